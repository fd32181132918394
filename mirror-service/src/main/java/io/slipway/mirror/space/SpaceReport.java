package io.slipway.mirror.space;

/**
 * The store's space as of a scan made for this report: all blob bytes; those only caches of upstreams hold
 * (evictable, against {@code cacheLimitBytes}); those pushed repositories hold (never evicted); those no manifest
 * references (the next garbage collection frees them once past the grace period); uploads in progress.
 */
public record SpaceReport(long storedBytes, int blobs, long cachedBytes, Long cacheLimitBytes, long pushedBytes,
        long unreferencedBytes, int uploads, long uploadBytes, int manifests, long evictions, String gcHeldBy,
        GcReport lastGc) {}
