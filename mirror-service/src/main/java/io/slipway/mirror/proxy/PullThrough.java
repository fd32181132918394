package io.slipway.mirror.proxy;

import io.slipway.mirror.config.MirrorConfig;
import io.slipway.mirror.metrics.MirrorMetrics;
import io.slipway.mirror.metrics.MirrorMetrics.Kind;
import io.slipway.mirror.registry.BlobStore;
import io.slipway.mirror.registry.Digest;
import io.slipway.mirror.registry.ErrorCode;
import io.slipway.mirror.registry.ManifestReference;
import io.slipway.mirror.registry.ManifestStore;
import io.slipway.mirror.registry.MediaTypes;
import io.slipway.mirror.registry.RegistryException;
import io.slipway.mirror.registry.StoredManifest;
import io.slipway.mirror.storage.StorageWriter;
import io.slipway.mirror.upstream.UpstreamRegistry;
import io.slipway.mirror.upstream.UpstreamUnavailableException;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The pull-through cache: local store first, else the upstream. Tags are re-validated with a HEAD after the TTL and
 * served stale when the upstream is down; a missing blob is fetched once (single flight) and streamed to every client
 * that asks meanwhile, verified against its digest before it becomes visible in the store.
 */
@ApplicationScoped
public class PullThrough {

    private static final Logger LOG = Logger.getLogger(PullThrough.class);
    private static final long PROGRESS_STEP = 512 * 1024;

    private final ManifestStore manifests;
    private final BlobStore blobs;
    private final MirrorMetrics metrics;
    private final Duration tagTtl;
    private final Map<String, Instant> tagValidated = new ConcurrentHashMap<>();
    private final Map<Digest, InFlightBlob> inFlight = new ConcurrentHashMap<>();
    private final ExecutorService fetchers;

    public PullThrough(ManifestStore manifests, BlobStore blobs, MirrorMetrics metrics, MirrorConfig config) {
        this.manifests = manifests;
        this.blobs = blobs;
        this.metrics = metrics;
        this.tagTtl = config.proxy().tagTtl();
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

    public StoredManifest manifest(RepositoryTarget target, ManifestReference ref) throws IOException {
        Optional<StoredManifest> cached = manifests.get(target.local(), ref);
        if (ref.isDigest()) {
            if (cached.isPresent()) {
                metrics.cacheHit(Kind.manifest);
                return cached.get();
            }
            metrics.cacheMiss(Kind.manifest);
            return orError(() -> fetchManifest(target, ref), null);
        }
        String key = target.local() + ":" + ref.tag();
        if (cached.isPresent() && fresh(key)) {
            metrics.cacheHit(Kind.manifest);
            return cached.get();
        }
        return orError(() -> revalidate(target, ref, cached, key), cached.orElse(null));
    }

    private StoredManifest revalidate(RepositoryTarget target, ManifestReference ref,
            Optional<StoredManifest> cached, String key) throws IOException {
        if (cached.isPresent()) {
            UpstreamRegistry upstream = target.upstream().orElseThrow();
            HttpResponse<InputStream> head = upstream.send("HEAD", target.remoteName(), "manifests/" + ref,
                    MediaTypes.MANIFESTS);
            head.body().close();
            if (head.statusCode() == 404) {
                tagValidated.remove(key);
                throw ErrorCode.MANIFEST_UNKNOWN.exception(target.requested() + ":" + ref + " is gone upstream");
            }
            checkStatus(head, upstream);
            Optional<String> upstreamDigest = head.headers().firstValue("Docker-Content-Digest");
            if (upstreamDigest.isPresent() && upstreamDigest.get().equals(cached.get().digest().toString())) {
                tagValidated.put(key, Instant.now());
                metrics.cacheHit(Kind.manifest);
                return cached.get();
            }
        }
        metrics.cacheMiss(Kind.manifest);
        StoredManifest fetched = fetchManifest(target, ref);
        tagValidated.put(key, Instant.now());
        return fetched;
    }

    private StoredManifest fetchManifest(RepositoryTarget target, ManifestReference ref) throws IOException {
        UpstreamRegistry upstream = target.upstream().orElseThrow();
        HttpResponse<InputStream> r = upstream.send("GET", target.remoteName(), "manifests/" + ref,
                MediaTypes.MANIFESTS);
        try (InputStream body = r.body()) {
            if (r.statusCode() == 404) {
                throw ErrorCode.MANIFEST_UNKNOWN.exception(target.requested() + ":" + ref);
            }
            checkStatus(r, upstream);
            byte[] content = body.readNBytes(ManifestStore.MAX_MANIFEST_BYTES + 1);
            metrics.bytesFetched(upstream.name(), content.length);
            Optional<String> declared = r.headers().firstValue("Docker-Content-Digest");
            if (declared.isPresent() && !ref.isDigest()) {
                Digest d = Digest.parse(declared.get());
                if (!Digest.compute(d.algorithm(), content).equals(d)) {
                    metrics.digestMismatch(upstream.name());
                    throw new UpstreamUnavailableException(upstream.name() + " sent a manifest that does not match "
                            + d, 502, null);
                }
            }
            // put() verifies a digest reference against the bytes and stores nothing on mismatch.
            return manifests.put(target.local(), ref, r.headers().firstValue("Content-Type").orElse(null), content,
                    false);
        }
    }

    /** Size of the blob (from the store, else from the upstream with a HEAD); nothing is downloaded. */
    public long blobSize(RepositoryTarget target, Digest digest) throws IOException {
        Optional<Long> local = blobs.size(target.local(), digest, true);
        if (local.isPresent()) {
            return local.get();
        }
        return orError(() -> {
            UpstreamRegistry upstream = target.upstream().orElseThrow();
            HttpResponse<InputStream> r = upstream.send("HEAD", target.remoteName(), "blobs/" + digest, java.util.List.of());
            r.body().close();
            if (r.statusCode() == 404) {
                throw ErrorCode.BLOB_UNKNOWN.exception(digest.toString());
            }
            checkStatus(r, upstream);
            return r.headers().firstValueAsLong("Content-Length").orElse(-1);
        }, null);
    }

    /** The cached blob's file, fetching it first (and waiting for the whole download) when it is not cached. */
    public Path cachedBlob(RepositoryTarget target, Digest digest) throws IOException {
        Optional<Path> local = blobs.localFile(digest);
        if (local.isPresent()) {
            metrics.cacheHit(Kind.blob);
            return local.get();
        }
        InFlightBlob fetch = join(target, digest);
        try {
            fetch.awaitComplete();
        } catch (Exception e) {
            throw rethrow(e);
        }
        return blobs.localFile(digest).orElseThrow(() -> ErrorCode.BLOB_UNKNOWN.exception(digest.toString()));
    }

    /** True when the store holds the blob (for any repository). */
    public boolean isCached(RepositoryTarget target, Digest digest) {
        return blobs.size(target.local(), digest, true).isPresent();
    }

    /** Empty when the blob is cached (serve it from the store); else a stream following the single upstream fetch. */
    public Optional<ProxyBlob> fetchIfMissing(RepositoryTarget target, Digest digest) throws IOException {
        if (blobs.size(target.local(), digest, true).isPresent()) {
            metrics.cacheHit(Kind.blob);
            return Optional.empty();
        }
        InFlightBlob fetch = join(target, digest);
        try {
            long size = fetch.awaitStart();
            return Optional.of(new ProxyBlob(fetch, fetch.open(), size));
        } catch (Exception e) {
            throw rethrow(e);
        }
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
        UpstreamRegistry upstream = target.upstream().orElseThrow();
        try {
            Optional<Long> already = blobs.size(target.local(), digest, true);
            if (already.isPresent()) {
                fetch.committed(blobs.localFile(digest).orElseThrow(), already.get());
                return;
            }
            HttpResponse<InputStream> r = upstream.send("GET", target.remoteName(), "blobs/" + digest,
                    java.util.List.of());
            try (InputStream body = r.body()) {
                if (r.statusCode() == 404) {
                    throw ErrorCode.BLOB_UNKNOWN.exception(digest.toString());
                }
                checkStatus(r, upstream);
                long length = r.headers().firstValueAsLong("Content-Length").orElse(-1);
                copyVerified(upstream, body, length, fetch);
            }
            blobs.link(target.local(), digest);
        } catch (Exception e) {
            LOG.warnf("pull-through of %s from %s failed: %s", digest, upstream.name(), e.getMessage());
            fetch.failed(e);
        } finally {
            inFlight.remove(digest, fetch);
        }
    }

    private void copyVerified(UpstreamRegistry upstream, InputStream body, long length, InFlightBlob fetch)
            throws IOException {
        Digest digest = fetch.digest;
        MessageDigest md = digest.newMessageDigest();
        try (StorageWriter writer = blobs.writer(digest)) {
            // A backend without a local spool (S3) needs a local temp file tee here; the filesystem store has one.
            fetch.started(length, writer.spool().orElseThrow(
                    () -> new IOException("storage backend offers no spool file for streaming")));
            byte[] buf = new byte[BlobStore.BUFFER];
            long announced = 0;
            for (int n; (n = body.read(buf)) > 0; ) {
                md.update(buf, 0, n);
                writer.stream().write(buf, 0, n);
                // Wake the readers per PROGRESS_STEP, not per socket read: a wake-up per 16 KiB read cost more
                // than the copy itself.
                if (writer.size() - announced >= PROGRESS_STEP) {
                    metrics.bytesFetched(upstream.name(), writer.size() - announced);
                    announced = writer.size();
                    fetch.progress(announced);
                }
            }
            metrics.bytesFetched(upstream.name(), writer.size() - announced);
            fetch.progress(writer.size());
            if (length >= 0 && writer.size() != length) {
                throw new UpstreamUnavailableException(upstream.name() + " sent " + writer.size() + " of " + length
                        + " bytes of " + digest, 502, null);
            }
            if (!digest.matches(md)) {
                metrics.digestMismatch(upstream.name());
                throw new UpstreamUnavailableException(upstream.name() + " sent content that does not match "
                        + digest + "; discarded", 502, null);
            }
            fetch.verified();
            synchronized (fetch) {
                writer.commit();
                fetch.committed(blobs.localFile(digest).orElseThrow(), writer.size());
            }
        }
    }

    private boolean fresh(String key) {
        Instant validated = tagValidated.get(key);
        return validated != null && validated.plus(tagTtl).isAfter(Instant.now());
    }

    private static void checkStatus(HttpResponse<?> r, UpstreamRegistry upstream) throws IOException {
        int s = r.statusCode();
        if (s == 401 || s == 403) {
            throw new UpstreamUnavailableException(upstream.name() + " refused our credentials (" + s + ")", s, null);
        }
        if (s != 200) {
            throw new UpstreamUnavailableException(upstream.name() + " answered " + s, s, null);
        }
    }

    private interface UpstreamCall<T> {
        T call() throws IOException;
    }

    /** Runs an upstream call; when the upstream fails, serves {@code stale} (if any) instead. */
    private <T> T orError(UpstreamCall<T> call, T stale) throws IOException {
        try {
            return call.call();
        } catch (UpstreamUnavailableException e) {
            if (stale != null) {
                LOG.infof("serving stale cached manifest: %s", e.getMessage());
                metrics.staleServed(Kind.manifest);
                return stale;
            }
            throw unavailable(e);
        }
    }

    private static RegistryException unavailable(UpstreamUnavailableException e) {
        return e.status() == 429 ? ErrorCode.TOOMANYREQUESTS.exception(e.getMessage())
                : e.status() == 401 || e.status() == 403 ? ErrorCode.DENIED.exception(e.getMessage())
                : ErrorCode.UNAVAILABLE.exception(e.getMessage());
    }

    private static RuntimeException rethrow(Exception e) throws IOException {
        if (e instanceof UpstreamUnavailableException u) {
            throw unavailable(u);
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
