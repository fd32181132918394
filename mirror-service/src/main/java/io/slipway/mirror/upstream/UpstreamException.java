package io.slipway.mirror.upstream;

import java.io.IOException;

/**
 * A pull from an upstream registry that did not give us the content. One subclass per failure kind, so callers decide
 * by type (serve stale, answer 404, answer 429...) and never read HTTP status codes.
 */
public abstract class UpstreamException extends IOException {

    private final int status;

    protected UpstreamException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The upstream's HTTP status, for logs; 0 when none came back. */
    public int status() {
        return status;
    }
}
