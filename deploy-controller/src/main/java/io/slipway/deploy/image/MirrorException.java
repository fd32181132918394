package io.slipway.deploy.image;

/** A prefetch that did not succeed, by kind: what a deploy does next depends only on the kind. */
public class MirrorException extends RuntimeException {

    public enum Kind {
        /** Neither the mirror nor its upstream has the image (MANIFEST_UNKNOWN, NAME_UNKNOWN, BLOB_UNKNOWN). */
        UNKNOWN_IMAGE,
        /** The upstream is rate-limiting, down or refusing the mirror, and the mirror has not cached the image. */
        UPSTREAM_FAILED,
        /** The mirror itself does not answer (or answers something that is not its API). */
        UNREACHABLE,
        /** The mirror refused the request itself: bad reference, wrong credentials. */
        REFUSED
    }

    private final Kind kind;

    public MirrorException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
