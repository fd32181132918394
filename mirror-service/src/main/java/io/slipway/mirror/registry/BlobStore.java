package io.slipway.mirror.registry;

import io.slipway.mirror.storage.Storage;
import io.slipway.mirror.storage.StorageNotFoundException;
import io.slipway.mirror.storage.StorageWriter;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;

/** Blobs by digest, and the per-repository links that say a repository holds one. */
@ApplicationScoped
public class BlobStore {

    public static final int BUFFER = 128 * 1024;

    private final Storage storage;
    private final BlobRecency recency;

    public BlobStore(Storage storage, BlobRecency recency) {
        this.storage = storage;
        this.recency = recency;
    }

    /** Size of the blob when {@code repo} holds it (or, with {@code anyRepository}, when the store holds it at all). */
    public Optional<Long> size(RepositoryName repo, Digest digest, boolean anyRepository) {
        try {
            if (!anyRepository && storage.stat(StorageLayout.layerLink(repo, digest)).isEmpty()) {
                return Optional.empty();
            }
            Optional<Long> size = storage.stat(StorageLayout.blobData(digest)).map(Storage.ObjectInfo::size);
            if (size.isPresent()) {
                recency.used(digest); // about to be served or referenced: not a candidate for GC or eviction
            }
            return size;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean linked(RepositoryName repo, Digest digest) {
        return size(repo, digest, false).isPresent();
    }

    /**
     * Whether {@code repo} holds the blob, asked for a manifest that is about to reference it: the reference is recorded,
     * so that a garbage collection running now spares the blob (see {@link BlobRecency#referenced}).
     */
    public boolean linkedForReference(RepositoryName repo, Digest digest) {
        if (!linked(repo, digest)) {
            return false;
        }
        recency.referenced(digest);
        return linked(repo, digest); // unless a collection took it just before
    }

    public void link(RepositoryName repo, Digest digest) throws IOException {
        String key = StorageLayout.layerLink(repo, digest);
        if (storage.stat(key).isEmpty()) {
            storage.putContent(key, digest.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Links a blob that a pull-through repository fetched from its upstream, as a {@link Storage#putCached cache
     * entry}: a link lost in a crash only means the blob is fetched (or found in the store) again.
     */
    public void linkPulled(RepositoryName repo, Digest digest) throws IOException {
        String key = StorageLayout.layerLink(repo, digest);
        if (storage.stat(key).isEmpty()) {
            storage.putCached(key, digest.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Removes the blob from the repository (its bytes stay for other repositories). */
    public void unlink(RepositoryName repo, Digest digest) throws IOException {
        try {
            storage.delete(StorageLayout.layerLink(repo, digest));
        } catch (StorageNotFoundException e) {
            throw ErrorCode.BLOB_UNKNOWN.exception(digest.toString());
        }
    }

    public Optional<Path> localFile(Digest digest) {
        return storage.localFile(StorageLayout.blobData(digest));
    }

    /** Where a client may fetch the blob from the backend directly (S3 presigned URL), if configured. */
    public Optional<URI> redirect(Digest digest) throws IOException {
        return storage.redirect(StorageLayout.blobData(digest));
    }

    public InputStream open(Digest digest, long offset) throws IOException {
        return storage.reader(StorageLayout.blobData(digest), offset);
    }

    /**
     * A local file that the caller has already hashed to {@code digest} becomes the blob without a copy, where the
     * store can rename it into place; false when the caller must {@link #writeVerified} it instead.
     */
    public boolean adoptVerified(Path file, Digest digest) throws IOException {
        return storage.adopt(file, StorageLayout.blobData(digest));
    }

    /** A pushed blob: see {@link #writeVerified(InputStream, Digest, long, BlobWriteObserver)}. */
    public long writeVerified(InputStream content, Digest expected) throws IOException {
        return writeVerified(content, expected, -1, BlobWriteObserver.NONE);
    }

    /**
     * The one verified writer: streams {@code content} into the store, hashing as it goes; the blob becomes visible
     * only when the digest (and {@code expectedSize}, unless -1) matched: {@link ErrorCode#DIGEST_INVALID} or
     * {@link ErrorCode#SIZE_INVALID} otherwise, with nothing stored. A blob that is already stored is verified and
     * left as it is. The {@code observer} sees the bytes pass, for clients that read a download while it is stored.
     */
    public long writeVerified(InputStream content, Digest expected, long expectedSize, BlobWriteObserver observer)
            throws IOException {
        MessageDigest md = expected.newMessageDigest();
        boolean exists = storage.stat(StorageLayout.blobData(expected)).isPresent();
        if (exists) {
            // Found stored: it must outlive this write, so a collection running now is told, and then asked whether
            // it took the blob just before.
            recency.referenced(expected);
            exists = storage.stat(StorageLayout.blobData(expected)).isPresent();
        }
        try (StorageWriter writer = storage.writer(StorageLayout.blobData(expected))) {
            observer.opened(exists ? Optional.empty() : writer.spool());
            byte[] buf = new byte[BUFFER];
            long total = 0;
            for (int n; (n = content.read(buf)) >= 0; ) {
                if (n == 0) {
                    continue;
                }
                md.update(buf, 0, n);
                if (!exists) {
                    writer.stream().write(buf, 0, n);
                }
                total += n;
                observer.wrote(buf, 0, n, total);
            }
            if (expectedSize >= 0 && total != expectedSize) {
                throw ErrorCode.SIZE_INVALID.exception(total + " bytes of " + expectedSize + " for " + expected);
            }
            if (!expected.matches(md)) {
                throw ErrorCode.DIGEST_INVALID.exception("content does not match digest " + expected);
            }
            observer.verified(total);
            if (!exists) {
                writer.commit();
            }
            observer.committed(total);
            return total;
        }
    }

}
