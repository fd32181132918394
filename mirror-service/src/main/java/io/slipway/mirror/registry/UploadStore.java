package io.slipway.mirror.registry;

import io.slipway.mirror.storage.Storage;
import io.slipway.mirror.storage.StorageNotFoundException;
import io.slipway.mirror.storage.StorageWriter;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Blob uploads in progress. Each PATCH is stored as its own chunk object (S3-shaped: no append, no rename); the final
 * PUT streams the chunks into the blob store, verifying the digest, and only then links the blob.
 */
@ApplicationScoped
public class UploadStore {

    private static final Pattern UUID_FORM = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final Storage storage;
    private final BlobStore blobs;
    private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

    public UploadStore(Storage storage, BlobStore blobs) {
        this.storage = storage;
        this.blobs = blobs;
    }

    public String start(RepositoryName repo) throws IOException {
        String id = UUID.randomUUID().toString();
        storage.putContent(StorageLayout.upload(repo, id) + "/startedat",
                Instant.now().toString().getBytes(StandardCharsets.UTF_8));
        return id;
    }

    /** Bytes received so far; {@link ErrorCode#BLOB_UPLOAD_UNKNOWN} for an unknown id. */
    public long offset(RepositoryName repo, String id) throws IOException {
        return chunks(repo, id).stream().mapToLong(Chunk::size).sum();
    }

    /** Appends a chunk; {@code rangeStart}, when the client sent a Content-Range, must equal the current offset. */
    public long append(RepositoryName repo, String id, InputStream body, Long rangeStart, Long rangeEnd)
            throws IOException {
        synchronized (lock(repo, id)) {
            List<Chunk> chunks = chunks(repo, id);
            long offset = chunks.stream().mapToLong(Chunk::size).sum();
            if (rangeStart != null && rangeStart != offset) {
                throw new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID,
                        "chunk starts at " + rangeStart + " but the upload holds " + offset + " bytes", null, 416);
            }
            try (StorageWriter w = storage.writer(StorageLayout.uploadChunk(repo, id, chunks.size()))) {
                body.transferTo(w.stream());
                if (rangeEnd != null && rangeEnd - rangeStart + 1 != w.size()) {
                    throw new RegistryException(ErrorCode.SIZE_INVALID, "Content-Range covers "
                            + (rangeEnd - rangeStart + 1) + " bytes but the body had " + w.size(), null, 416);
                }
                if (w.size() > 0) {
                    w.commit();
                }
                return offset + w.size();
            }
        }
    }

    /** Completes the upload: chunks plus {@code lastChunk} must hash to {@code digest}; the upload is gone after. */
    public long complete(RepositoryName repo, String id, InputStream lastChunk, Digest digest) throws IOException {
        synchronized (lock(repo, id)) {
            List<Chunk> chunks = chunks(repo, id);
            List<InputStream> parts = new ArrayList<>();
            for (Chunk c : chunks) {
                parts.add(new LazyInputStream(c.key()));
            }
            parts.add(lastChunk);
            try (InputStream all = new SequenceInputStream(Collections.enumeration(parts))) {
                long size = blobs.writeVerified(all, digest);
                blobs.link(repo, digest);
                return size;
            } finally {
                cancel(repo, id);
            }
        }
    }

    public void cancel(RepositoryName repo, String id) throws IOException {
        try {
            storage.delete(StorageLayout.upload(repo, id));
        } catch (StorageNotFoundException e) {
            throw ErrorCode.BLOB_UPLOAD_UNKNOWN.exception(id);
        } finally {
            locks.remove(repo + "@" + id);
        }
    }

    private Object lock(RepositoryName repo, String id) {
        return locks.computeIfAbsent(repo + "@" + id, k -> new Object());
    }

    private List<Chunk> chunks(RepositoryName repo, String id) throws IOException {
        if (id == null || !UUID_FORM.matcher(id).matches()
                || storage.stat(StorageLayout.upload(repo, id) + "/startedat").isEmpty()) {
            throw ErrorCode.BLOB_UPLOAD_UNKNOWN.exception(String.valueOf(id));
        }
        List<Chunk> result = new ArrayList<>();
        for (String name : storage.list(StorageLayout.upload(repo, id))) {
            if (name.startsWith("chunk-")) {
                String key = StorageLayout.upload(repo, id) + "/" + name;
                storage.stat(key).ifPresent(info -> result.add(new Chunk(key, info.size())));
            }
        }
        return result;
    }

    private record Chunk(String key, long size) {}

    /** Opens a chunk only when the sequence reaches it, so one file handle is open at a time. */
    private final class LazyInputStream extends InputStream {
        private final String key;
        private InputStream in;

        LazyInputStream(String key) {
            this.key = key;
        }

        private InputStream in() throws IOException {
            if (in == null) {
                in = storage.reader(key, 0);
            }
            return in;
        }

        @Override
        public int read() throws IOException {
            return in().read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in().read(b, off, len);
        }

        @Override
        public void close() throws IOException {
            if (in != null) {
                in.close();
            }
        }
    }
}
