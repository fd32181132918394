package io.slipway.mirror.upstream;

import java.io.IOException;
import java.io.InputStream;

/** A blob download that has started: its announced size (-1 when unknown) and the body; the caller closes it. */
public record UpstreamBlob(long size, InputStream body) implements AutoCloseable {

    @Override
    public void close() throws IOException {
        body.close();
    }
}
