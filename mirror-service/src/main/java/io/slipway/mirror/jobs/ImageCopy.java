package io.slipway.mirror.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.slipway.mirror.registry.Digest;
import io.slipway.mirror.registry.ManifestStore;
import io.slipway.mirror.upstream.UpstreamBlob;
import io.slipway.mirror.upstream.UpstreamManifest;
import io.slipway.mirror.upstream.UpstreamRegistry;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Copies one image: blobs first (in parallel), then each manifest by digest (children before their index), then the
 * tags. What the destination has is skipped: a manifest found by digest means everything under it is there (a
 * registry accepts a manifest only when what it names is present), so a re-run costs a few HEADs and moves no bytes.
 * A blob the job has already put into another repository of the destination is mounted, not uploaded.
 */
final class ImageCopy {

    private final ImageName name;
    private final UpstreamRegistry source;
    private final Destination destination;
    private final String repository;
    private final List<String> tags;
    private final List<Platform> platforms;
    private final ImageProgress progress;
    private final Retry retry;
    private final ExecutorService blobPool;
    private final Map<Digest, String> placed;

    ImageCopy(ImageName name, UpstreamRegistry source, Destination destination, MirrorPlan plan,
            ImageProgress progress, Retry retry, ExecutorService blobPool, Map<Digest, String> placed) {
        this.name = name;
        this.source = source;
        this.destination = destination;
        this.repository = plan.target().repository(name);
        this.tags = name.tags(plan.extraTags());
        this.platforms = plan.platforms();
        this.progress = progress;
        this.retry = retry;
        this.blobPool = blobPool;
        this.placed = placed;
    }

    /** Copies the image and returns its rewritten references. */
    List<String> run() throws IOException {
        progress.copying();
        retry.run(() -> {
            destination.prepare(repository);
            return null;
        }, progress::retried);
        Manifest top = pull(name.pullReference(), name.digest());
        progress.digest(top.digest().toString());
        Manifest tagged = copy(top);
        String base = destination.host() + "/" + repository;
        List<String> references = new ArrayList<>();
        for (String tag : tags) {
            if (!tagged.digest().equals(retry.run(() -> destination.manifestDigest(repository, tag), progress::retried)
                    .orElse(null))) {
                put(tagged, tag);
            }
            references.add(base + ":" + tag);
        }
        if (references.isEmpty()) {
            references.add(base + "@" + tagged.digest());
        }
        return references;
    }

    /** Copies a manifest and what it names; returns the manifest tags should point at (a filtered index's choice). */
    private Manifest copy(Manifest m) throws IOException {
        if (m.isIndex()) {
            List<JsonNode> all = m.children();
            List<JsonNode> kept = platforms.isEmpty() ? all : all.stream()
                    .filter(c -> platforms.stream().anyMatch(p -> p.matches(c.path("platform")))).toList();
            if (kept.isEmpty()) {
                throw new DestinationException(name + " has no manifest for " + platforms, false, null);
            }
            if (!platforms.isEmpty() && kept.size() == 1) {
                return copy(pull(kept.get(0).path("digest").asText(), Optional.of(Manifest.blob(kept.get(0))
                        .digest())));
            }
            Manifest index = kept.size() == all.size() ? m : m.withChildren(kept);
            if (present(index)) {
                return index;
            }
            for (JsonNode child : kept) {
                copy(pull(child.path("digest").asText(), Optional.of(Manifest.blob(child).digest())));
            }
            put(index, index.digest().toString());
            return index;
        }
        if (!present(m)) {
            copyBlobs(m.blobs());
            put(m, m.digest().toString());
        }
        return m;
    }

    private boolean present(Manifest m) throws IOException {
        boolean present = retry.run(() -> destination.manifestDigest(repository, m.digest().toString()),
                progress::retried).isPresent();
        if (present) {
            progress.manifestSkipped();
        }
        return present;
    }

    private void put(Manifest m, String reference) throws IOException {
        retry.run(() -> {
            destination.putManifest(repository, reference, m.mediaType(), m.content());
            return null;
        }, progress::retried);
        if (reference.equals(m.digest().toString())) {
            progress.manifestCopied();
        }
    }

    private Manifest pull(String reference, Optional<Digest> expected) throws IOException {
        UpstreamManifest u = retry.run(() -> source.getManifest(name.repository().value(), reference,
                ManifestStore.MAX_MANIFEST_BYTES), progress::retried);
        if (u.content().length > ManifestStore.MAX_MANIFEST_BYTES) {
            throw new DestinationException("manifest " + reference + " of " + name + " is larger than "
                    + ManifestStore.MAX_MANIFEST_BYTES + " bytes", false, null);
        }
        Digest digest = expected.map(e -> Digest.compute(e.algorithm(), u.content()))
                .orElseGet(() -> Digest.sha256(u.content()));
        if (expected.isPresent() && !expected.get().equals(digest)) {
            throw new DestinationException(name + ": the source sent " + digest + " for " + expected.get(), false,
                    null);
        }
        return Manifest.of(u.content(), u.mediaType().orElse(null), digest);
    }

    private void copyBlobs(List<Manifest.Blob> blobs) throws IOException {
        Map<Digest, Manifest.Blob> distinct = new LinkedHashMap<>();
        blobs.forEach(b -> distinct.putIfAbsent(b.digest(), b));
        List<Future<?>> running = new ArrayList<>();
        for (Manifest.Blob b : distinct.values()) {
            progress.blobFound(b.size());
            running.add(blobPool.submit(() -> {
                copyBlob(b);
                return null;
            }));
        }
        try {
            for (Future<?> f : running) {
                f.get();
            }
        } catch (ExecutionException e) {
            running.forEach(f -> f.cancel(true));
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            running.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
    }

    private void copyBlob(Manifest.Blob b) throws IOException {
        if (retry.run(() -> destination.hasBlob(repository, b.digest()), progress::retried)) {
            progress.blobSkipped();
            placed.putIfAbsent(b.digest(), repository);
            return;
        }
        String from = placed.get(b.digest());
        if (from != null && !from.equals(repository)
                && retry.run(() -> destination.mount(repository, b.digest(), from), progress::retried)) {
            progress.blobMounted();
            return;
        }
        retry.run(() -> {
            long[] counted = {0};
            try (UpstreamBlob blob = source.openBlob(name.repository().value(), b.digest())) {
                long size = b.size() >= 0 ? b.size() : blob.size();
                destination.pushBlob(repository, b.digest(), size, new FilterInputStream(blob.body()) {
                    // Whole buffers: the download hands over what one socket read brought (often a few KiB), and
                    // the upload sends each read as one write, one hand-off between threads each.
                    @Override
                    public int read(byte[] buf, int off, int len) throws IOException {
                        int n = in.readNBytes(buf, off, len);
                        if (n == 0 && len > 0) {
                            return -1;
                        }
                        counted[0] += n;
                        progress.sent(n);
                        return n;
                    }
                });
                return null;
            } catch (IOException e) {
                progress.sent(-counted[0]);
                throw e;
            }
        }, progress::retried);
        progress.blobCopied();
        placed.putIfAbsent(b.digest(), repository);
    }
}
