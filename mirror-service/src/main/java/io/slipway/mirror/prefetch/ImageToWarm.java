package io.slipway.mirror.prefetch;

import io.slipway.mirror.registry.Digest;
import io.slipway.mirror.registry.ErrorCode;
import io.slipway.mirror.registry.ManifestReference;
import io.slipway.mirror.registry.RegistryException;
import io.slipway.mirror.registry.RepositoryName;
import io.slipway.mirror.registry.Tag;

/**
 * One image of a prefetch, named as a client pulls it from this mirror: {@code <repository>[:tag][@digest]}, e.g.
 * {@code dockerhub/library/nginx:1.27} (prefix mode), {@code library/nginx} (daemon-mirror mode) or a pushed
 * {@code models/my-model:1.2}. A tag with a digest is pinned to the digest; no tag and no digest means
 * {@code latest}.
 */
public record ImageToWarm(String image, RepositoryName repository, ManifestReference reference) {

    public static ImageToWarm parse(String image) {
        if (image == null || image.isBlank()) {
            throw ErrorCode.NAME_INVALID.exception("an image of the prefetch list is empty");
        }
        String text = image.strip();
        try {
            String name = text;
            Digest digest = null;
            int at = text.indexOf('@');
            if (at >= 0) {
                digest = Digest.parse(text.substring(at + 1));
                name = text.substring(0, at);
            }
            Tag tag = null;
            int colon = name.lastIndexOf(':');
            if (colon > name.lastIndexOf('/')) {
                tag = new Tag(name.substring(colon + 1));
                name = name.substring(0, colon);
            }
            ManifestReference ref = digest != null ? new ManifestReference(null, digest)
                    : new ManifestReference(tag != null ? tag : new Tag("latest"), null);
            return new ImageToWarm(text, RepositoryName.of(name), ref);
        } catch (RegistryException e) {
            throw e.code().exception(text + ": " + e.detail());
        } catch (IllegalArgumentException e) {
            throw ErrorCode.NAME_INVALID.exception(text + ": " + e.getMessage());
        }
    }
}
