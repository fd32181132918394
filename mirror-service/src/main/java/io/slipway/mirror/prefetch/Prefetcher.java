package io.slipway.mirror.prefetch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slipway.mirror.proxy.BlobPullThrough;
import io.slipway.mirror.proxy.ManifestPullThrough;
import io.slipway.mirror.proxy.Namespaces;
import io.slipway.mirror.proxy.RepositoryTarget;
import io.slipway.mirror.registry.BlobStore;
import io.slipway.mirror.registry.Digest;
import io.slipway.mirror.registry.ErrorCode;
import io.slipway.mirror.registry.ManifestReference;
import io.slipway.mirror.registry.ManifestStore;
import io.slipway.mirror.registry.MediaTypes;
import io.slipway.mirror.registry.StoredManifest;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Warms the cache with whole images through the same pull-through path a client's pull takes: the tag is resolved
 * (re-validated with the upstream once its TTL has passed), an index brings the children of the platform asked for
 * (or all of them), and every config and layer blob is downloaded and verified, joining a client's download of the
 * same blob if one runs. Afterwards a pull of the image needs nothing from the upstream. A local (pushed) image is
 * only checked: it is whole by construction.
 */
@ApplicationScoped
public class Prefetcher {

    private static final String FOREIGN_LAYER = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

    private final Namespaces namespaces;
    private final ManifestPullThrough manifestPullThrough;
    private final BlobPullThrough blobPullThrough;
    private final ManifestStore manifests;
    private final BlobStore blobs;
    private final ObjectMapper json = new ObjectMapper();

    public Prefetcher(Namespaces namespaces, ManifestPullThrough manifestPullThrough, BlobPullThrough blobPullThrough,
            ManifestStore manifests, BlobStore blobs) {
        this.namespaces = namespaces;
        this.manifestPullThrough = manifestPullThrough;
        this.blobPullThrough = blobPullThrough;
        this.manifests = manifests;
        this.blobs = blobs;
    }

    /** Warms one image; a failure is a {@link io.slipway.mirror.registry.RegistryException} naming the image. */
    public ImagePrefetched warm(ImageToWarm image, Optional<Platform> platform, Consumer<PrefetchEvent> progress)
            throws IOException {
        long started = System.nanoTime();
        RepositoryTarget target = namespaces.forPull(image.repository());
        Run run = new Run(image, target, progress);
        StoredManifest top = run.manifest(image.reference());
        run.walk(top, platform);
        return new ImagePrefetched(image.image(), top.digest().toString(), List.copyOf(run.manifests),
                List.copyOf(run.platforms), run.blobs, run.bytes, run.blobsFetched, run.bytesFetched,
                (System.nanoTime() - started) / 1_000_000);
    }

    /** The state of one image's warm-up. */
    private final class Run {
        private final ImageToWarm image;
        private final RepositoryTarget target;
        private final Consumer<PrefetchEvent> progress;
        private final Set<String> manifests = new LinkedHashSet<>();
        private final Set<String> platforms = new LinkedHashSet<>();
        private final Set<Digest> seenBlobs = new LinkedHashSet<>();
        private int blobs;
        private int blobsFetched;
        private long bytes;
        private long bytesFetched;

        Run(ImageToWarm image, RepositoryTarget target, Consumer<PrefetchEvent> progress) {
            this.image = image;
            this.target = target;
            this.progress = progress;
        }

        StoredManifest manifest(ManifestReference ref) throws IOException {
            if (!target.isProxy()) {
                return Prefetcher.this.manifests.get(target.local(), ref).orElseThrow(() ->
                        ErrorCode.MANIFEST_UNKNOWN.exception(image.image() + ": " + target.requested() + ":" + ref
                                + " is neither pushed here nor the name of an upstream's repository"));
            }
            boolean had = ref.isDigest() && Prefetcher.this.manifests.get(target.local(), ref).isPresent();
            StoredManifest m = manifestPullThrough.manifest(target, ref);
            progress.accept(PrefetchEvent.manifest(image.image(), m.digest().toString(), had));
            return m;
        }

        void walk(StoredManifest m, Optional<Platform> platform) throws IOException {
            manifests.add(m.digest().toString());
            JsonNode doc = json.readTree(m.content());
            if (MediaTypes.isIndex(m.mediaType())) {
                List<JsonNode> children = new ArrayList<>();
                doc.path("manifests").forEach(children::add);
                List<JsonNode> chosen = platform.isEmpty() ? children
                        : children.stream().filter(c -> platform.get().matches(c.path("platform"))).toList();
                if (chosen.isEmpty()) {
                    throw ErrorCode.MANIFEST_UNKNOWN.exception(image.image() + " has no manifest for platform "
                            + platform.map(Platform::toString).orElse("?"));
                }
                for (JsonNode child : chosen) {
                    JsonNode p = child.path("platform");
                    if (p.isObject()) {
                        platforms.add(p.path("os").asText() + "/" + p.path("architecture").asText()
                                + (p.hasNonNull("variant") ? "/" + p.path("variant").asText() : ""));
                    }
                    Digest digest = Digest.parse(child.path("digest").asText(null));
                    walk(manifest(new ManifestReference(null, digest)), Optional.empty());
                }
                return;
            }
            List<JsonNode> descriptors = new ArrayList<>();
            if (doc.path("config").isObject()) {
                descriptors.add(doc.path("config"));
            }
            doc.path("layers").forEach(descriptors::add);
            for (JsonNode d : descriptors) {
                if (!FOREIGN_LAYER.equals(d.path("mediaType").asText())) {
                    blob(Digest.parse(d.path("digest").asText(null)), d.path("size").asLong());
                }
            }
        }

        void blob(Digest digest, long size) throws IOException {
            if (!seenBlobs.add(digest)) {
                return;
            }
            blobs++;
            bytes += size;
            boolean cached = target.isProxy() ? blobPullThrough.isCached(target, digest)
                    : Prefetcher.this.blobs.linked(target.local(), digest);
            if (!cached) {
                if (!target.isProxy()) {
                    throw ErrorCode.BLOB_UNKNOWN.exception(image.image() + ": blob " + digest + " is missing");
                }
                blobPullThrough.ensureCached(target, digest);
                blobsFetched++;
                bytesFetched += size;
            }
            progress.accept(PrefetchEvent.blob(image.image(), digest.toString(), size, cached));
        }
    }
}
