package io.slipway.mirror.proxy;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * A blob being fetched from upstream, opened for one client: read {@link #channel()} up to {@link #readable(long)}
 * as the download grows, then close.
 */
public final class ProxyBlob implements AutoCloseable {

    private final InFlightBlob fetch;
    private final FileChannel channel;
    private final long size;

    ProxyBlob(InFlightBlob fetch, FileChannel channel, long size) {
        this.fetch = fetch;
        this.channel = channel;
        this.size = size;
    }

    /** Content length, or -1 when the upstream did not say. */
    public long size() {
        return size;
    }

    /** The downloaded bytes so far (positional reads only). */
    public FileChannel channel() {
        return channel;
    }

    /**
     * Blocks until bytes at {@code position} can be read; returns the end of the readable range, or -1 when the whole
     * blob has been read. The last byte becomes readable only once the blob is verified and stored; a failed download
     * throws.
     */
    public long readable(long position) throws IOException {
        return fetch.awaitReadable(position);
    }

    @Override
    public void close() {
        fetch.release(); // the channel is shared with the other readers of the download
    }
}
