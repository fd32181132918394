package io.slipway.mirror.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Optional;

/** A write in progress: content becomes visible at its key only on {@link #commit()}; {@link #cancel()} drops it. */
public interface StorageWriter extends AutoCloseable {

    /** Where to write the content; unbuffered, so {@link #size()} bytes are readable from {@link #spool()}. */
    OutputStream stream();

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
