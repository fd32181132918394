package io.slipway.mirror.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * A blob's bytes as they arrive, buffer by buffer: what {@link BlobStore#writeVerified the verified writer} reads, so
 * that a download's own buffers are hashed and stored without being copied into a stream's array first.
 */
@FunctionalInterface
public interface BlobContent {

    /** The next bytes (position to limit), or null at the end; the buffer is the source's again at the next call. */
    ByteBuffer next() throws IOException;

    /** A stream's bytes through one reused array of {@link BlobStore#BUFFER} bytes. */
    static BlobContent of(InputStream in) {
        byte[] array = new byte[BlobStore.BUFFER];
        ByteBuffer buffer = ByteBuffer.wrap(array);
        return () -> {
            int n;
            do {
                n = in.read(array);
            } while (n == 0);
            return n < 0 ? null : buffer.clear().limit(n);
        };
    }
}
