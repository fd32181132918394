package io.slipway.mirror.proxy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;

/** A blob being fetched from upstream, opened for one client: stream it with {@link #writeTo(OutputStream)}. */
public final class ProxyBlob {

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

    public long writeTo(OutputStream out) throws IOException {
        return fetch.streamTo(channel, out);
    }
}
