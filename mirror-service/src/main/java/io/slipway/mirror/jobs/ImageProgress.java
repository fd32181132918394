package io.slipway.mirror.jobs;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** The live progress of one image of a job; blob copies update it from several threads. */
final class ImageProgress {

    private final String source;
    private volatile String state = "queued";
    private volatile String digest;
    private volatile List<String> references = List.of();
    private volatile String error;
    private final AtomicInteger manifestsCopied = new AtomicInteger();
    private final AtomicInteger manifestsSkipped = new AtomicInteger();
    private final AtomicInteger blobs = new AtomicInteger();
    private final AtomicInteger blobsCopied = new AtomicInteger();
    private final AtomicInteger blobsSkipped = new AtomicInteger();
    private final AtomicInteger blobsMounted = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong bytesCopied = new AtomicLong();
    private final AtomicInteger retries = new AtomicInteger();

    ImageProgress(String source) {
        this.source = source;
    }

    void copying() {
        state = "copying";
    }

    void digest(String d) {
        digest = d;
    }

    void manifestCopied() {
        manifestsCopied.incrementAndGet();
    }

    void manifestSkipped() {
        manifestsSkipped.incrementAndGet();
    }

    void blobFound(long size) {
        blobs.incrementAndGet();
        bytes.addAndGet(Math.max(0, size));
    }

    void blobCopied() {
        blobsCopied.incrementAndGet();
    }

    void blobSkipped() {
        blobsSkipped.incrementAndGet();
    }

    void blobMounted() {
        blobsMounted.incrementAndGet();
    }

    /** Bytes sent; negative to take back what a failed try had counted. */
    void sent(long n) {
        bytesCopied.addAndGet(n);
    }

    void retried() {
        retries.incrementAndGet();
    }

    void done(List<String> refs) {
        references = List.copyOf(refs);
        state = "succeeded";
    }

    void failed(String why) {
        error = why;
        state = "failed";
    }

    boolean succeeded() {
        return state.equals("succeeded");
    }

    MirrorJobView.Image view() {
        return new MirrorJobView.Image(source, state, digest, manifestsCopied.get(), manifestsSkipped.get(),
                blobs.get(), blobsCopied.get(), blobsSkipped.get(), blobsMounted.get(), bytes.get(),
                bytesCopied.get(), retries.get(), references, error);
    }
}
