package io.slipway.mirror.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slipway.mirror.storage.Storage;
import io.slipway.mirror.storage.StorageNotFoundException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Manifests per repository: revisions by digest, tags pointing at revisions; bytes kept as blobs. */
@ApplicationScoped
public class ManifestStore {

    public static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
    private static final int CACHE_BUDGET_BYTES = 8 * 1024 * 1024;
    private static final int CACHE_MAX_ENTRY_BYTES = 256 * 1024;

    private final Storage storage;
    private final BlobStore blobs;
    private final ObjectMapper json = new ObjectMapper();
    /** Manifests are immutable by digest: a small byte-budgeted LRU spares the disk on hot tags. */
    private final Map<Digest, StoredManifest> cache = new LinkedHashMap<>(64, 0.75f, true);
    private long cachedBytes;

    public ManifestStore(Storage storage, BlobStore blobs) {
        this.storage = storage;
        this.blobs = blobs;
    }

    /**
     * Validates and stores a pushed manifest. With {@code checkReferences}, every blob and child manifest it names must
     * be in the repository already ({@link ErrorCode#MANIFEST_BLOB_UNKNOWN} otherwise); nothing is stored on any error.
     * Everything is durable when this returns.
     */
    public StoredManifest put(RepositoryName repo, ManifestReference ref, String contentType, byte[] content,
            boolean checkReferences) throws IOException {
        return put(repo, ref, contentType, content, checkReferences, false);
    }

    /**
     * Stores a manifest fetched from an upstream: validated like a push, but its blobs are not required. One durable
     * write on the client's path, the manifest's bytes; the links to it (revision, tag, referrer) are written after
     * them as {@link Storage#putCached cache entries}: a crash can lose one, which costs a fetch from the upstream,
     * never a tag that points at bytes that are not there.
     */
    public StoredManifest putPulled(RepositoryName repo, ManifestReference ref, String contentType, byte[] content)
            throws IOException {
        return put(repo, ref, contentType, content, false, true);
    }

    private StoredManifest put(RepositoryName repo, ManifestReference ref, String contentType, byte[] content,
            boolean checkReferences, boolean cached) throws IOException {
        if (content.length > MAX_MANIFEST_BYTES) {
            throw ErrorCode.MANIFEST_INVALID.exception("manifest larger than " + MAX_MANIFEST_BYTES + " bytes")
                    .withStatus(413);
        }
        Digest digest = Digest.compute(ref.isDigest() ? ref.digest().algorithm() : "sha256", content);
        if (ref.isDigest() && !ref.digest().equals(digest)) {
            throw ErrorCode.DIGEST_INVALID.exception("manifest digest is " + digest + ", not " + ref.digest());
        }
        JsonNode doc = parse(content);
        String mediaType = mediaType(doc, MediaTypes.base(contentType));
        Optional<Digest> subject = subject(doc);
        if (checkReferences) {
            List<String> missing = missingReferences(repo, doc, mediaType);
            if (!missing.isEmpty()) {
                throw ErrorCode.MANIFEST_BLOB_UNKNOWN.exception("unknown: " + String.join(", ", missing));
            }
        }
        String dataKey = StorageLayout.blobData(digest);
        if (storage.stat(dataKey).isEmpty()) {
            storage.putContent(dataKey, content);
        }
        byte[] link = digest.toString().getBytes(StandardCharsets.UTF_8);
        if (cached) {
            blobs.linkPulled(repo, digest);
        } else {
            blobs.link(repo, digest);
        }
        write(StorageLayout.manifestRevisionLink(repo, digest), link, cached);
        if (subject.isPresent()) {
            write(StorageLayout.referrerLink(repo, subject.get(), digest), link, cached);
        }
        if (!ref.isDigest()) {
            write(StorageLayout.tagLink(repo, ref.tag()), link, cached);
        }
        StoredManifest stored = new StoredManifest(digest, mediaType, content);
        remember(stored);
        return stored;
    }

    private void write(String key, byte[] content, boolean cached) throws IOException {
        if (cached) {
            storage.putCached(key, content);
        } else {
            storage.putContent(key, content);
        }
    }

    public Optional<StoredManifest> get(RepositoryName repo, ManifestReference ref) throws IOException {
        Optional<Digest> digest = ref.isDigest() ? Optional.of(ref.digest()) : tagDigest(repo, ref.tag());
        if (digest.isEmpty() || storage.stat(StorageLayout.manifestRevisionLink(repo, digest.get())).isEmpty()) {
            return Optional.empty();
        }
        return Optional.ofNullable(load(digest.get()));
    }

    public Optional<Digest> tagDigest(RepositoryName repo, Tag tag) throws IOException {
        try {
            return Optional.of(Digest.parse(new String(storage.getContent(StorageLayout.tagLink(repo, tag)),
                    StandardCharsets.UTF_8).trim()));
        } catch (StorageNotFoundException e) {
            return Optional.empty();
        } catch (RegistryException e) {
            return Optional.empty(); // a cached tag link that a crash left empty: as if not cached
        }
    }

    public void tag(RepositoryName repo, Tag tag, Digest digest) throws IOException {
        storage.putContent(StorageLayout.tagLink(repo, tag), digest.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** When the upstream last confirmed a pull-through tag (any instance on this store); empty if never. */
    public Optional<Instant> tagValidatedAt(RepositoryName repo, Tag tag) throws IOException {
        try {
            String at = new String(storage.getContent(StorageLayout.tagValidated(repo, tag)), StandardCharsets.UTF_8);
            return Optional.of(Instant.parse(at.trim()));
        } catch (StorageNotFoundException e) {
            return Optional.empty();
        } catch (java.time.format.DateTimeParseException e) {
            return Optional.empty(); // a torn or foreign record: ask the upstream
        }
    }

    /** Only a hint (a lost one costs a HEAD to the upstream): not made durable. */
    public void tagValidated(RepositoryName repo, Tag tag, Instant at) throws IOException {
        storage.putCached(StorageLayout.tagValidated(repo, tag), at.toString().getBytes(StandardCharsets.UTF_8));
    }

    public void forgetTagValidation(RepositoryName repo, Tag tag) throws IOException {
        deleteIfPresent(StorageLayout.tagValidated(repo, tag));
    }

    /** Deletes a tag, or a revision together with the tags pointing at it. */
    public void delete(RepositoryName repo, ManifestReference ref) throws IOException {
        try {
            if (!ref.isDigest()) {
                storage.delete(StorageLayout.tag(repo, ref.tag()));
                return;
            }
            Optional<StoredManifest> revision = get(repo, ref);
            storage.delete(StorageLayout.manifestRevisionLink(repo, ref.digest()));
            if (revision.isPresent()) {
                Optional<Digest> subject = subject(parse(revision.get().content()));
                if (subject.isPresent()) {
                    deleteIfPresent(StorageLayout.referrerLink(repo, subject.get(), ref.digest()));
                }
            }
        } catch (StorageNotFoundException e) {
            throw ErrorCode.MANIFEST_UNKNOWN.exception(ref.toString());
        }
        for (String tag : tags(repo)) {
            Tag t = new Tag(tag);
            if (tagDigest(repo, t).filter(ref.digest()::equals).isPresent()) {
                storage.delete(StorageLayout.tag(repo, t));
            }
        }
    }

    /** The {@code subject} a stored manifest names (OCI 1.1), if any. */
    public Optional<Digest> subject(StoredManifest manifest) {
        return subject(parse(manifest.content()));
    }

    /**
     * The manifests of {@code repo} whose subject is {@code subject}, as OCI descriptors; with {@code artifactType},
     * only those of that type. Empty when there are none (also for a subject that is not stored).
     */
    public List<Referrer> referrers(RepositoryName repo, Digest subject, Optional<String> artifactType)
            throws IOException {
        List<Referrer> result = new ArrayList<>();
        for (String name : storage.list(StorageLayout.referrers(repo, subject))) {
            Digest referrer;
            try {
                referrer = Digest.parse(name);
            } catch (RegistryException e) {
                continue; // not a link this store wrote
            }
            Optional<StoredManifest> m = get(repo, new ManifestReference(null, referrer));
            if (m.isEmpty()) {
                continue; // deleted meanwhile
            }
            JsonNode doc = parse(m.get().content());
            String type = doc.path("artifactType").asText(null);
            if (type == null && !MediaTypes.isIndex(m.get().mediaType())) {
                type = doc.path("config").path("mediaType").asText(null);
            }
            if (artifactType.isPresent() && !artifactType.get().equals(type)) {
                continue;
            }
            JsonNode annotations = doc.path("annotations");
            result.add(new Referrer(m.get().mediaType(), referrer, m.get().content().length, type,
                    annotations.isObject() ? annotations : null));
        }
        return result;
    }

    /** One entry of a referrers list: an OCI descriptor of the referring manifest. */
    public record Referrer(String mediaType, Digest digest, long size, String artifactType, JsonNode annotations) {}

    public List<String> tags(RepositoryName repo) throws IOException {
        return storage.list(StorageLayout.tags(repo));
    }

    public boolean exists(RepositoryName repo) throws IOException {
        return storage.stat(StorageLayout.manifests(repo)).isPresent();
    }

    private void deleteIfPresent(String key) throws IOException {
        try {
            storage.delete(key);
        } catch (StorageNotFoundException ignored) {
            // already gone
        }
    }

    private static Optional<Digest> subject(JsonNode doc) {
        JsonNode subject = doc.path("subject");
        if (subject.isMissingNode() || subject.isNull()) {
            return Optional.empty();
        }
        if (!subject.isObject()) {
            throw ErrorCode.MANIFEST_INVALID.exception("subject must be a descriptor");
        }
        return Optional.of(descriptorDigest(subject));
    }

    private StoredManifest load(Digest digest) throws IOException {
        synchronized (cache) {
            StoredManifest hit = cache.get(digest);
            if (hit != null) {
                return hit;
            }
        }
        byte[] content;
        try {
            content = storage.getContent(StorageLayout.blobData(digest));
        } catch (StorageNotFoundException e) {
            return null;
        }
        StoredManifest m = new StoredManifest(digest, mediaType(parse(content), null), content);
        remember(m);
        return m;
    }

    private void remember(StoredManifest m) {
        if (m.content().length > CACHE_MAX_ENTRY_BYTES) {
            return;
        }
        synchronized (cache) {
            if (cache.put(m.digest(), m) == null) {
                cachedBytes += m.content().length;
            }
            var it = cache.values().iterator();
            while (cachedBytes > CACHE_BUDGET_BYTES && it.hasNext()) {
                cachedBytes -= it.next().content().length;
                it.remove();
            }
        }
    }

    private JsonNode parse(byte[] content) {
        try {
            JsonNode doc = json.readTree(content);
            if (doc == null || !doc.isObject()) {
                throw ErrorCode.MANIFEST_INVALID.exception("manifest is not a JSON object");
            }
            if (doc.path("schemaVersion").asInt() != 2) {
                throw ErrorCode.MANIFEST_INVALID.exception("only schemaVersion 2 manifests are supported");
            }
            return doc;
        } catch (IOException e) {
            throw ErrorCode.MANIFEST_INVALID.exception("manifest is not valid JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
    }

    private static String mediaType(JsonNode doc, String contentType) {
        String declared = doc.path("mediaType").asText(null);
        if (declared != null && contentType != null && MediaTypes.MANIFESTS.contains(contentType)
                && !declared.equals(contentType)) {
            throw ErrorCode.MANIFEST_INVALID.exception(
                    "Content-Type " + contentType + " does not match the manifest's mediaType " + declared);
        }
        String type = declared != null ? declared
                : contentType != null && MediaTypes.MANIFESTS.contains(contentType) ? contentType
                : doc.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
        if (!MediaTypes.MANIFESTS.contains(type)) {
            throw ErrorCode.MANIFEST_INVALID.exception("unsupported manifest media type " + type);
        }
        return type;
    }

    private List<String> missingReferences(RepositoryName repo, JsonNode doc, String mediaType) throws IOException {
        List<String> missing = new ArrayList<>();
        if (MediaTypes.isIndex(mediaType)) {
            for (JsonNode d : doc.path("manifests")) {
                Digest child = descriptorDigest(d);
                if (storage.stat(StorageLayout.manifestRevisionLink(repo, child)).isEmpty()) {
                    missing.add("manifest " + child);
                }
            }
            return missing;
        }
        if (!doc.path("config").isObject() || !doc.path("layers").isArray()) {
            throw ErrorCode.MANIFEST_INVALID.exception("image manifest needs config and layers");
        }
        List<JsonNode> descriptors = new ArrayList<>();
        descriptors.add(doc.path("config"));
        doc.path("layers").forEach(descriptors::add);
        for (JsonNode d : descriptors) {
            Digest blob = descriptorDigest(d);
            boolean foreign = d.path("urls").isArray() && d.path("urls").size() > 0;
            if (!foreign && !blobs.linkedForReference(repo, blob)) {
                missing.add("blob " + blob);
            }
        }
        return missing;
    }

    private static Digest descriptorDigest(JsonNode descriptor) {
        try {
            return Digest.parse(descriptor.path("digest").asText(null));
        } catch (RegistryException e) {
            throw ErrorCode.MANIFEST_INVALID.exception("descriptor with invalid digest: " + descriptor);
        }
    }
}
