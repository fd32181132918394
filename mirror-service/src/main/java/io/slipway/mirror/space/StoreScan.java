package io.slipway.mirror.space;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slipway.mirror.registry.Digest;
import io.slipway.mirror.registry.RegistryException;
import io.slipway.mirror.registry.RepositoryName;
import io.slipway.mirror.registry.StorageLayout;
import io.slipway.mirror.space.StoreInventory.Blob;
import io.slipway.mirror.space.StoreInventory.Upload;
import io.slipway.mirror.storage.Storage;
import io.slipway.mirror.storage.StorageNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * Reads the store into a {@link StoreInventory} with whole-prefix walks (on S3 a thousand keys per request): first the
 * repositories (the mark: every manifest revision is a root, and what it names — config, layers, index children,
 * subject — is referenced), then the blobs, then the use records. Content written after the mark is young, and
 * content a push references after it was used just then, so the grace period covers both.
 */
final class StoreScan {

    private static final Logger LOG = Logger.getLogger(StoreScan.class);
    private static final String LAYERS = "/_layers/";
    private static final String REVISIONS = "/_manifests/revisions/";
    private static final String UPLOADS = "/_uploads/";

    private final Storage storage;
    private final Predicate<RepositoryName> isCache;
    private final ObjectMapper json = new ObjectMapper();

    StoreScan(Storage storage, Predicate<RepositoryName> isCache) {
        this.storage = storage;
        this.isCache = isCache;
    }

    boolean isCache(RepositoryName name) {
        return isCache.test(name);
    }

    StoreInventory scan() throws IOException {
        Set<Digest> pushed = new HashSet<>();
        Set<Digest> cached = new HashSet<>();
        Map<Digest, Set<Boolean>> revisions = new HashMap<>(); // manifest -> held by a cache / a pushed repository
        Map<String, long[]> uploads = new HashMap<>();
        Map<Digest, List<StoreInventory.Link>> layerLinks = new HashMap<>();
        int[] revisionCount = {0};
        storage.walk(StorageLayout.REPOSITORIES, (key, info) -> {
            int cut = key.indexOf("/_");
            if (cut < 0) {
                return;
            }
            RepositoryName repo = repository(key.substring(StorageLayout.REPOSITORIES.length() + 1, cut));
            String rest = key.substring(cut);
            if (repo == null) {
                return;
            }
            boolean cache = isCache.test(repo);
            if (rest.startsWith(LAYERS) && rest.endsWith("/link")) {
                Digest d = linkDigest(rest.substring(LAYERS.length()));
                if (d != null) {
                    (cache ? cached : pushed).add(d);
                    layerLinks.computeIfAbsent(d, x -> new ArrayList<>())
                            .add(new StoreInventory.Link(key, info.modifiedMillis()));
                }
            } else if (rest.startsWith(REVISIONS) && rest.endsWith("/link")) {
                Digest d = linkDigest(rest.substring(REVISIONS.length()));
                if (d != null) {
                    revisions.computeIfAbsent(d, x -> new HashSet<>()).add(cache);
                    revisionCount[0]++;
                }
            } else if (rest.startsWith(UPLOADS)) {
                int end = rest.indexOf('/', UPLOADS.length());
                if (end > 0) {
                    String upload = key.substring(0, cut + end);
                    long[] u = uploads.computeIfAbsent(upload, x -> new long[2]);
                    u[0] = Math.max(u[0], info.modifiedMillis());
                    u[1] += info.size();
                }
            }
        });
        Set<Digest> referenced = new HashSet<>();
        for (Map.Entry<Digest, Set<Boolean>> revision : revisions.entrySet()) {
            List<Digest> names = references(revision.getKey());
            referenced.addAll(names);
            if (revision.getValue().contains(false)) {
                pushed.addAll(names);
            }
            if (revision.getValue().contains(true)) {
                cached.addAll(names);
            }
        }
        Map<Digest, Blob> blobs = new HashMap<>();
        storage.walk("blobs", (key, info) -> {
            String[] parts = key.split("/");
            if (parts.length == 5 && parts[4].equals("data")) {
                Digest d = digest(parts[1], parts[3]);
                if (d != null) {
                    blobs.put(d, new Blob(d, info.size(), info.modifiedMillis()));
                }
            }
        });
        Map<Digest, Long> lastUsed = new HashMap<>();
        storage.walk(StorageLayout.BLOB_ACCESSED, (key, info) -> {
            String[] parts = key.split("/");
            Digest d = parts.length == 4 ? digest(parts[2], parts[3]) : null;
            if (d != null) {
                lastUsed.put(d, info.modifiedMillis());
            }
        });
        List<Upload> inProgress = new ArrayList<>();
        uploads.forEach((key, u) -> inProgress.add(new Upload(key, u[0], u[1])));
        return new StoreInventory(blobs, referenced, revisions.keySet(), pushed, cached, lastUsed, inProgress,
                revisionCount[0], layerLinks);
    }

    /** The manifest itself and every digest it names; only itself when its bytes are gone or unreadable. */
    private List<Digest> references(Digest manifest) throws IOException {
        List<Digest> result = new ArrayList<>();
        result.add(manifest);
        JsonNode doc;
        try {
            doc = json.readTree(storage.getContent(StorageLayout.blobData(manifest)));
        } catch (StorageNotFoundException e) {
            return result; // evicted or half-deleted: a pull fetches it again
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            LOG.warnf("manifest %s is not JSON; it keeps nothing alive", manifest);
            return result;
        }
        List<JsonNode> descriptors = new ArrayList<>();
        descriptors.add(doc.path("config"));
        descriptors.add(doc.path("subject"));
        doc.path("layers").forEach(descriptors::add);
        doc.path("manifests").forEach(descriptors::add);
        doc.path("blobs").forEach(descriptors::add); // OCI artifact manifests
        for (JsonNode d : descriptors) {
            String text = d.path("digest").asText(null);
            if (text != null) {
                try {
                    result.add(Digest.parse(text));
                } catch (RegistryException e) {
                    // not a digest: it names nothing stored
                }
            }
        }
        return result;
    }

    private static RepositoryName repository(String name) {
        try {
            return RepositoryName.of(name);
        } catch (RegistryException e) {
            return null; // not a repository this registry wrote
        }
    }

    /** {@code <algorithm>/<hex>/link}. */
    private static Digest linkDigest(String path) {
        String[] parts = path.split("/");
        return parts.length == 3 ? digest(parts[0], parts[1]) : null;
    }

    private static Digest digest(String algorithm, String hex) {
        try {
            return Digest.parse(algorithm + ":" + hex);
        } catch (RegistryException e) {
            return null;
        }
    }
}
