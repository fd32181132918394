package io.slipway.mirror.prefetch;

import java.util.List;

/**
 * An image that is now whole in the cache: {@code digest} is what its tag points to now (the index of a multi-arch
 * image), {@code manifests} the manifests warmed (the index and the children of the platform asked for, or all),
 * {@code platforms} theirs; {@code blobsFetched}/{@code bytesFetched} what came from the upstream in this run, out of
 * {@code blobs}/{@code bytes} in all.
 */
public record ImagePrefetched(String image, String digest, List<String> manifests, List<String> platforms,
        int blobs, long bytes, int blobsFetched, long bytesFetched, long millis) {}
