package io.slipway.mirror.proxy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
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
    private final DirectFeed feed;

    ProxyBlob(InFlightBlob fetch, FileChannel channel, long size, DirectFeed feed) {
        this.fetch = fetch;
        this.channel = channel;
        this.size = size;
        this.feed = feed;
    }

    /**
     * Sends what this client can get from the download's own buffers (only the client whose request started the
     * download can: the others get 0 at once) and returns how many bytes went out; the client reads the rest from
     * {@link #channel()} from there. {@code out} must have its headers set.
     */
    public long sendDirect(WriteStream<Buffer> out) throws IOException {
        if (feed == null) {
            return 0;
        }
        try {
            return feed.attach(out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
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
        if (feed != null) {
            feed.abandon(); // never attached (a failure before the first byte): the download goes on without us
        }
        fetch.release(); // the channel is shared with the other readers of the download
    }
}
