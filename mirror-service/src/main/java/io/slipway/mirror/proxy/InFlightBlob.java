package io.slipway.mirror.proxy;

import io.slipway.mirror.registry.Digest;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.Optional;

/**
 * One upstream download that any number of clients read while it is written. The bytes land in one local file (the
 * store's spool, or a temp file of the download's own when the store has none, as on S3), read through one shared
 * channel with positional reads; the channel closes, and a temp file goes, when the download and its last reader are
 * done. The last byte is held back until the blob has been verified and committed to the store, so a client never
 * receives a complete body that failed verification (a failed download aborts every reader), and a client that has
 * the whole blob finds it in the store on its next request.
 */
final class InFlightBlob {

    final Digest digest;
    private long size = -1;
    private FileChannel channel;
    /** The download itself plus each open reader; at zero the channel closes. */
    private int users;
    private long written;
    private boolean started;
    private boolean complete;
    private Exception failure;

    InFlightBlob(Digest digest) {
        this.digest = digest;
    }

    /** The upstream answered; {@code bytes} is where its body lands, readable from position 0. */
    synchronized void started(long contentLength, FileChannel bytes) {
        this.size = contentLength;
        this.channel = bytes;
        this.users = 1;
        this.started = true;
        notifyAll();
    }

    synchronized void progress(long bytes) {
        this.written = bytes;
        notifyAll();
    }

    /** The blob is in the store (possibly without a download: another one stored it first). */
    synchronized void committed(long finalSize) {
        this.size = finalSize;
        this.written = finalSize;
        this.started = true;
        this.complete = true;
        notifyAll();
    }

    synchronized void failed(Exception e) {
        this.failure = e;
        notifyAll();
    }

    /** The download thread is done with the bytes, whatever the outcome. */
    void finished() {
        release();
    }

    /** Waits until the upstream answered; returns the blob size (-1 when unknown) or throws the fetch's failure. */
    synchronized long awaitStart() throws Exception {
        while (!started && failure == null) {
            wait();
        }
        if (failure != null) {
            throw failure;
        }
        return size;
    }

    synchronized void awaitComplete() throws Exception {
        while (!complete && failure == null) {
            wait();
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * The bytes for one more reader, who must {@link #release()} them; empty when they are gone already (the download
     * ended and its last reader left, or it never downloaded): the store holds the blob by then, or nobody does.
     */
    synchronized Optional<FileChannel> open() {
        if (users == 0) {
            return Optional.empty();
        }
        users++;
        return Optional.of(channel);
    }

    synchronized void release() {
        if (users == 0) {
            return;
        }
        if (--users == 0) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // read-only for readers; a temp file is deleted on close
            }
        }
    }

    /**
     * Blocks until bytes at {@code pos} may be read; returns the end (exclusive) of what is readable now, or -1 once
     * everything has been read. Throws when the download failed before the blob was stored.
     */
    synchronized long awaitReadable(long pos) throws IOException {
        while (failure == null && !complete && written - 1 <= pos) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        boolean done = complete;
        if (!done && failure != null) {
            throw new IOException("upstream download of " + digest + " failed", failure);
        }
        long readable = done ? written : written - 1;
        return done && pos >= readable ? -1 : readable;
    }
}
