package io.slipway.deploy.image;

import java.util.Optional;

/** The mirror's prefetch API, as deploys need it; every failure is a {@link MirrorException} of one kind. */
public interface MirrorClient {

    /**
     * Has the mirror fetch {@code image} (named as on the mirror, e.g. {@code dockerhub/library/nginx:1.27}) whole,
     * for {@code platform} ({@code linux/amd64}) or every platform; answers what the tag resolved to.
     */
    Prefetched prefetch(String image, Optional<String> platform);

    /**
     * {@code digest}: what the reference points to now (an index for a multi-arch image); {@code bytes} of the image
     * in all and {@code bytesFetched} from the upstream by this prefetch.
     */
    record Prefetched(String digest, int blobs, long bytes, long bytesFetched, long millis) {}
}
