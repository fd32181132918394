package io.slipway.mirror.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;

/** A write in progress: content becomes visible at its key only on {@link #commit()}; {@link #cancel()} drops it. */
public interface StorageWriter extends AutoCloseable {

    /** Where to write the content; unbuffered, so {@link #size()} bytes are readable from {@link #spool()}. */
    OutputStream stream();

    /**
     * Writes the buffer's remaining bytes (its position moves to its limit), as {@link #stream()} would; a backend that
     * writes a channel takes the buffer as it is, without a copy into an array.
     */
    default void write(ByteBuffer bytes) throws IOException {
        if (bytes.hasArray()) {
            stream().write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
            bytes.position(bytes.limit());
        } else {
            byte[] copy = new byte[bytes.remaining()];
            bytes.get(copy);
            stream().write(copy);
        }
    }

    /** Bytes written so far. */
    long size();

    /** A local file holding the bytes written so far, where the backend keeps one (lets readers follow a download). */
    Optional<Path> spool();

    /** Makes the content durable and visible at the key, replacing what was there. */
    void commit() throws IOException;

    /** Throws the content away; a no-op after commit. */
    void cancel();

    /** Cancels unless committed. */
    @Override
    default void close() {
        cancel();
    }
}
