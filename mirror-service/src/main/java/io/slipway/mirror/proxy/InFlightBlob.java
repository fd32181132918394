package io.slipway.mirror.proxy;

import io.slipway.mirror.registry.Digest;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One upstream download that any number of clients read while it is written. Readers follow the spool file up to
 * the bytes written so far; the last byte is held back until the digest has been verified, so a
 * client never receives a complete body that failed verification (a failed download aborts every reader).
 */
final class InFlightBlob {

    final Digest digest;
    private long size = -1;
    private Path file;
    private long written;
    private boolean started;
    private boolean complete;
    /** The digest matched: readers may take the last byte while the store still makes the blob durable. */
    private boolean verified;
    private Exception failure;

    InFlightBlob(Digest digest) {
        this.digest = digest;
    }

    synchronized void started(long contentLength, Path spool) {
        this.size = contentLength;
        this.file = spool;
        this.started = true;
        notifyAll();
    }

    synchronized void progress(long bytes) {
        this.written = bytes;
        notifyAll();
    }

    synchronized void verified() {
        this.verified = true;
        notifyAll();
    }

    /** Called with the commit, under this object's lock, so that late joiners open the committed file. */
    synchronized void committed(Path finalFile, long finalSize) {
        this.file = finalFile;
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

    /** Opens the bytes for one reader; call after {@link #awaitStart()}. */
    synchronized FileChannel open() throws IOException {
        return FileChannel.open(file, StandardOpenOption.READ);
    }

    /**
     * Blocks until bytes at {@code pos} may be read; returns the end (exclusive) of what is readable now, or -1 once
     * everything has been read. Throws when the download failed before the blob was verified.
     */
    synchronized long awaitReadable(long pos) throws IOException {
        while (failure == null && !complete && !verified && written - 1 <= pos) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        boolean done = complete || verified;
        if (!done && failure != null) {
            throw new IOException("upstream download of " + digest + " failed", failure);
        }
        long readable = done ? written : written - 1;
        return done && pos >= readable ? -1 : readable;
    }
}
