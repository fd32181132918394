package io.slipway.mirror.registry;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Watches one {@link BlobStore#writeVerified verified write} as it happens: lets a pull-through download hand the
 * bytes to clients while they are stored, whatever the backend (a local spool file, or none at all).
 */
public interface BlobWriteObserver {

    BlobWriteObserver NONE = new BlobWriteObserver() {};

    /** Before the first byte: the local file the backend writes to, when it has one that readers may follow. */
    default void opened(Optional<Path> spool) throws IOException {}

    /** {@code len} more bytes passed (already in the spool, if there is one); {@code total} so far. */
    default void wrote(byte[] buffer, int offset, int len, long total) throws IOException {}

    /** The content matched its digest (and size); the store is about to make it visible. */
    default void verified(long size) {}

    /** The blob is in the store. */
    default void committed(long size) {}
}
