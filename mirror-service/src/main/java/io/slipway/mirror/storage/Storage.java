package io.slipway.mirror.storage;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where the registry keeps its bytes: a small set of object-store verbs over "/"-separated keys. It knows nothing of
 * repositories or digests (see {@code registry.StorageLayout}). Filesystem by default, or S3: content goes in and out
 * as streams, becomes visible only on {@link StorageWriter#commit()}, and nothing here relies on an atomic rename.
 * Keys are checked by {@link StorageKeys}.
 */
public interface Storage {

    /** Size and modification time of the object at {@code key}; empty when there is none. */
    Optional<ObjectInfo> stat(String key) throws IOException;

    /** The whole (small) object; {@link StorageNotFoundException} when there is none. */
    byte[] getContent(String key) throws IOException;

    /** Stores a small object; readers see the old or the new content, never a mix. */
    void putContent(String key, byte[] content) throws IOException;

    /**
     * Stores a small object that the registry can do without or fetch again (a pull-through cache's links, when a tag
     * was last checked): readers see the old or the new content, never a mix, but the store need not make it durable
     * before returning, so a crash may lose it, or leave it empty where the backend is a filesystem; readers of such
     * keys treat unreadable content as absent. Backends without a cheaper write store it as {@link #putContent}.
     */
    default void putCached(String key, byte[] content) throws IOException {
        putContent(key, content);
    }

    /** Reads the object from {@code offset}; {@link StorageNotFoundException} when there is none. */
    InputStream reader(String key, long offset) throws IOException;

    /** Starts a two-phase write: nothing is visible at {@code key} until {@link StorageWriter#commit()}. */
    StorageWriter writer(String key) throws IOException;

    /** The names of the direct children of {@code prefix} (objects and "directories"), sorted; empty if none. */
    List<String> list(String prefix) throws IOException;

    /**
     * Every object under {@code prefix}, at any depth, with its size and modification time, in no particular order
     * (directories are not visited). For scans of the whole store (garbage collection, eviction): S3 answers a
     * thousand keys per request, where {@link #list} plus {@link #stat} would cost a request per key.
     */
    default void walk(String prefix, ObjectVisitor visitor) throws IOException {
        for (String child : list(prefix)) {
            String key = prefix + "/" + child;
            Optional<ObjectInfo> info = stat(key);
            if (info.isEmpty()) {
                continue; // deleted meanwhile
            }
            if (info.get().directory()) {
                walk(key, visitor);
            } else {
                visitor.visit(key, info.get());
            }
        }
    }

    /** Deletes the object or everything under the prefix; {@link StorageNotFoundException} when there is none. */
    void delete(String key) throws IOException;

    /** A local file holding the committed object, where the backend has one: lets HTTP serve it with sendfile. */
    Optional<Path> localFile(String key);

    /**
     * A URL from which a client may GET the committed object directly for a while (an S3 presigned URL), where the
     * backend offers one and is configured to; empty otherwise.
     */
    default Optional<URI> redirect(String key) throws IOException {
        return Optional.empty();
    }

    /**
     * A directory on the store's own filesystem where large files may be prepared, so that {@link #adopt} can move them
     * into place; empty where the backend has none (S3).
     */
    default Optional<Path> localStagingDir() {
        return Optional.empty();
    }

    /**
     * Makes a complete local file the committed object under {@code key} without copying it (a rename on the same
     * filesystem), where the backend can; false when it cannot and the caller must write the content. The file is
     * gone after a true.
     */
    default boolean adopt(Path file, String key) throws IOException {
        return false;
    }

    /** Writes, reads back and deletes a small probe object; throws when the store cannot take writes. */
    void checkWritable() throws IOException;

    /** Where this store lives, for health reports and logs. */
    String describe();

    record ObjectInfo(long size, long modifiedMillis, boolean directory) {}

    /** Sees one object of a {@link #walk}. */
    @FunctionalInterface
    interface ObjectVisitor {
        void visit(String key, ObjectInfo info) throws IOException;
    }
}
