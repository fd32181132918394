package io.slipway.mirror.space;

import java.time.Instant;
import java.util.List;

/**
 * What one garbage collection did, or with {@code dryRun} would do: the blobs and bytes that go (at most
 * {@value #LISTED} digests listed), the abandoned uploads swept, and what stays.
 */
public record GcReport(boolean dryRun, Instant startedAt, long durationMillis, String gracePeriod, int manifests,
        int blobsKept, int blobsDeleted, long bytesReclaimed, List<String> deleted, int uploadsDeleted,
        long uploadBytesReclaimed, long storedBytes) {

    public static final int LISTED = 100;
}
