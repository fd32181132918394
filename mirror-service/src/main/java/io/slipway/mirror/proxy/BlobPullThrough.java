package io.slipway.mirror.proxy;

import io.slipway.mirror.metrics.MirrorMetrics;
import io.slipway.mirror.metrics.MirrorMetrics.Kind;
import io.slipway.mirror.registry.BlobRecency;
import io.slipway.mirror.registry.BlobStore;
import io.slipway.mirror.registry.BlobWriteObserver;
import io.slipway.mirror.registry.Digest;
import io.slipway.mirror.registry.ErrorCode;
import io.slipway.mirror.registry.RegistryException;
import io.slipway.mirror.upstream.UpstreamBlob;
import io.slipway.mirror.upstream.UpstreamException;
import io.slipway.mirror.upstream.UpstreamRegistry;
import io.slipway.mirror.upstream.UpstreamUnavailableException;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Blobs of pull-through repositories: local store first, else a single-flight download. The first request for a
 * missing blob starts one download from the upstream; every request for it meanwhile joins that download and streams
 * it as it arrives. The download goes through the store's one verified writer, so the blob becomes visible only once
 * it matched its digest.
 */
@ApplicationScoped
public class BlobPullThrough {

    private static final Logger LOG = Logger.getLogger(BlobPullThrough.class);
    private static final long PROGRESS_STEP = 512 * 1024;

    private final BlobStore blobs;
    private final BlobRecency recency;
    private final MirrorMetrics metrics;
    private final Map<Digest, InFlightBlob> inFlight = new ConcurrentHashMap<>();
    private final ExecutorService fetchers;

    public BlobPullThrough(BlobStore blobs, BlobRecency recency, MirrorMetrics metrics) {
        this.blobs = blobs;
        this.recency = recency;
        this.metrics = metrics;
        AtomicInteger n = new AtomicInteger();
        this.fetchers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "mirror-fetch-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @PreDestroy
    void stop() {
        fetchers.shutdownNow();
    }

    /** Size of the blob (from the store, else from the upstream with a HEAD); nothing is downloaded. */
    public long size(RepositoryTarget target, Digest digest) throws IOException {
        Optional<Long> local = blobs.size(target.local(), digest, true);
        if (local.isPresent()) {
            return local.get();
        }
        try {
            return upstream(target).statBlob(target.remoteName(), digest).size();
        } catch (UpstreamException e) {
            throw UpstreamFailures.toRegistry(e, ErrorCode.BLOB_UNKNOWN, digest.toString());
        }
    }

    /** True when the store holds the blob (for any repository). */
    public boolean isCached(RepositoryTarget target, Digest digest) {
        return blobs.size(target.local(), digest, true).isPresent();
    }

    /** Makes sure the store holds the blob: fetches it first, waiting for the whole download, when it is missing. */
    public void ensureCached(RepositoryTarget target, Digest digest) throws IOException {
        if (isCached(target, digest)) {
            metrics.cacheHit(Kind.blob);
            return;
        }
        try {
            join(target, digest).awaitComplete();
        } catch (Exception e) {
            throw rethrow(e, digest);
        }
    }

    /** Empty when the blob is cached (serve it from the store); else a stream following the single upstream fetch. */
    public Optional<ProxyBlob> fetchIfMissing(RepositoryTarget target, Digest digest) throws IOException {
        if (isCached(target, digest)) {
            metrics.cacheHit(Kind.blob);
            return Optional.empty();
        }
        InFlightBlob fetch = join(target, digest);
        long size;
        try {
            size = fetch.awaitStart();
        } catch (Exception e) {
            throw rethrow(e, digest);
        }
        Optional<FileChannel> bytes = fetch.open();
        if (bytes.isEmpty()) {
            // The download ended before we could follow it: stored (serve it from the store), or failed.
            try {
                fetch.awaitComplete();
            } catch (Exception e) {
                throw rethrow(e, digest);
            }
            return Optional.empty();
        }
        return Optional.of(new ProxyBlob(fetch, bytes.get(), size));
    }

    private InFlightBlob join(RepositoryTarget target, Digest digest) {
        boolean[] leader = {false};
        InFlightBlob fetch = inFlight.computeIfAbsent(digest, d -> {
            leader[0] = true;
            return new InFlightBlob(d);
        });
        if (leader[0]) {
            metrics.cacheMiss(Kind.blob);
            fetchers.execute(() -> download(target, fetch));
        } else {
            metrics.singleFlightJoin();
        }
        return fetch;
    }

    private void download(RepositoryTarget target, InFlightBlob fetch) {
        Digest digest = fetch.digest;
        UpstreamRegistry upstream = upstream(target);
        try {
            Optional<Long> already = blobs.size(target.local(), digest, true);
            if (already.isPresent()) {
                fetch.committed(already.get());
                return;
            }
            long stored;
            try (UpstreamBlob body = upstream.openBlob(target.remoteName(), digest)) {
                stored = blobs.writeVerified(body.body(), digest, body.size(), new Relay(fetch, upstream, body.size()));
            } catch (RegistryException e) {
                if (e.code() == ErrorCode.DIGEST_INVALID || e.code() == ErrorCode.SIZE_INVALID) {
                    metrics.digestMismatch(upstream.name());
                    throw new UpstreamUnavailableException(upstream.name() + " sent content that does not match "
                            + digest + " (" + e.detail() + "); discarded", 502, e);
                }
                throw e;
            }
            blobs.linkPulled(target.local(), digest);
            recency.downloaded(digest, stored); // space management: the cache grew
        } catch (Exception e) {
            LOG.warnf("pull-through of %s from %s failed: %s", digest, upstream.name(), e.getMessage());
            fetch.failed(e);
        } finally {
            inFlight.remove(digest, fetch);
            fetch.finished();
        }
    }

    /**
     * Hands the download to its readers as the verified writer stores it: they follow the store's spool file, or,
     * where the store has none, a temp file this relay writes (deleted once the last reader is done).
     */
    private final class Relay implements BlobWriteObserver {
        private final InFlightBlob fetch;
        private final UpstreamRegistry upstream;
        private final long length;
        private FileChannel tee;
        private long announced;

        Relay(InFlightBlob fetch, UpstreamRegistry upstream, long length) {
            this.fetch = fetch;
            this.upstream = upstream;
            this.length = length;
        }

        @Override
        public void opened(Optional<Path> spool) throws IOException {
            FileChannel bytes;
            if (spool.isPresent()) {
                bytes = FileChannel.open(spool.get(), StandardOpenOption.READ);
            } else {
                Path file = Files.createTempFile("slipway-pull-", ".blob");
                tee = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                        StandardOpenOption.DELETE_ON_CLOSE);
                bytes = tee;
            }
            fetch.started(length, bytes);
        }

        @Override
        public void wrote(byte[] buffer, int offset, int len, long total) throws IOException {
            if (tee != null) {
                ByteBuffer b = ByteBuffer.wrap(buffer, offset, len);
                for (long at = total - len; b.hasRemaining(); ) {
                    at += tee.write(b, at);
                }
            }
            // Wake the readers per PROGRESS_STEP, not per socket read: a wake-up per 16 KiB read cost more than the
            // copy itself.
            if (total - announced >= PROGRESS_STEP) {
                metrics.bytesFetched(upstream.name(), total - announced);
                announced = total;
                fetch.progress(total);
            }
        }

        @Override
        public void verified(long size) {
            metrics.bytesFetched(upstream.name(), size - announced);
            announced = size;
            fetch.progress(size); // all but the last byte: that one waits for the commit
        }

        @Override
        public void committed(long size) {
            fetch.committed(size);
        }
    }

    private static UpstreamRegistry upstream(RepositoryTarget target) {
        return target.upstream().orElseThrow();
    }

    private static IOException rethrow(Exception e, Digest digest) throws IOException {
        if (e instanceof UpstreamException u) {
            throw UpstreamFailures.toRegistry(u, ErrorCode.BLOB_UNKNOWN, digest.toString());
        }
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e instanceof IOException io) {
            throw io;
        }
        throw new IOException(e);
    }
}
