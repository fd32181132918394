package io.slipway.mirror.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.slipway.mirror.registry.Digest;
import io.slipway.mirror.registry.ErrorCode;
import io.slipway.mirror.registry.MediaTypes;
import io.slipway.mirror.registry.RegistryException;
import io.slipway.mirror.registry.RepositoryName;
import io.slipway.mirror.registry.Tag;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a staged archive as what it is: a {@code docker save} archive ({@code manifest.json} naming a config and
 * layer tars) or an OCI image layout ({@code index.json} and {@code blobs/<alg>/<hex>}), and checks every digest
 * before anything is stored: a layout blob must hash to its name, a docker-save layer to its config's
 * {@code rootfs.diff_ids}, and every manifest's config and layers must be in the archive.
 */
final class ImageArchive {

    static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
    private static final String REF_NAME = "org.opencontainers.image.ref.name";
    private static final String CONTAINERD_NAME = "io.containerd.image.name";

    private final ObjectMapper json = new ObjectMapper();
    private final StagedArchive archive;

    ImageArchive(StagedArchive archive) {
        this.archive = archive;
    }

    /** The images to store; {@code repository}/{@code tag} (optional) override the names the archive carries. */
    List<ImagePlan> plan(Optional<RepositoryName> repository, Optional<Tag> tag) throws IOException {
        Optional<StagedArchive.Entry> dockerManifest = archive.entry("manifest.json");
        if (dockerManifest.isPresent()) {
            return dockerSave(dockerManifest.get(), repository, tag);
        }
        Optional<StagedArchive.Entry> index = archive.entry("index.json");
        if (index.isPresent()) {
            return ociLayout(index.get(), repository, tag);
        }
        throw ErrorCode.ARCHIVE_INVALID.exception(
                "neither manifest.json (docker save) nor index.json (OCI image layout) is in the archive");
    }

    private List<ImagePlan> dockerSave(StagedArchive.Entry manifestJson, Optional<RepositoryName> repository,
            Optional<Tag> tag) throws IOException {
        JsonNode images = parse(manifestJson);
        if (!images.isArray() || images.isEmpty()) {
            throw ErrorCode.ARCHIVE_INVALID.exception("manifest.json lists no image");
        }
        checkOneImageForTag(images.size(), tag);
        List<ImagePlan> plans = new ArrayList<>();
        for (JsonNode image : images) {
            String configName = text(image, "Config", "manifest.json");
            StagedArchive.Entry config = archive.require(configName, "manifest.json");
            checkNamedDigest(config);
            JsonNode diffIds = parse(config).path("rootfs").path("diff_ids");
            JsonNode layerNames = image.path("Layers");
            if (!layerNames.isArray() || !diffIds.isArray() || layerNames.size() != diffIds.size()) {
                throw ErrorCode.ARCHIVE_INVALID.exception("manifest.json names " + layerNames.size()
                        + " layers but config " + configName + " has " + diffIds.size() + " diff_ids");
            }
            List<ImagePlan.Blob> blobs = new ArrayList<>();
            blobs.add(new ImagePlan.Blob(config, config.sha256()));
            ObjectNode manifest = json.createObjectNode();
            manifest.put("schemaVersion", 2);
            manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
            manifest.set("config", descriptor(OCI_CONFIG, config.sha256(), config.size()));
            ArrayNode layers = manifest.putArray("layers");
            long bytes = config.size();
            for (int i = 0; i < layerNames.size(); i++) {
                StagedArchive.Entry layer = archive.require(layerNames.get(i).asText(), "manifest.json");
                Digest diffId = Digest.parse(diffIds.get(i).asText());
                if (!diffId.equals(layer.sha256())) {
                    throw ErrorCode.DIGEST_INVALID.exception(layer.name() + " hashes to " + layer.sha256()
                            + ", but the config's diff_id is " + diffId);
                }
                checkNamedDigest(layer);
                blobs.add(new ImagePlan.Blob(layer, layer.sha256()));
                layers.add(descriptor(OCI_LAYER, layer.sha256(), layer.size()));
                bytes += layer.size();
            }
            Name name = name(firstRepoTag(image), repository, tag);
            plans.add(new ImagePlan(name.repository(), blobs, List.of(new ImagePlan.Manifest(MediaTypes.OCI_MANIFEST,
                    json.writeValueAsBytes(manifest), name.tag(), layerNames.size(), bytes))));
        }
        return plans;
    }

    private List<ImagePlan> ociLayout(StagedArchive.Entry indexJson, Optional<RepositoryName> repository,
            Optional<Tag> tag) throws IOException {
        JsonNode manifests = parse(indexJson).path("manifests");
        if (!manifests.isArray() || manifests.isEmpty()) {
            throw ErrorCode.ARCHIVE_INVALID.exception("index.json lists no manifest");
        }
        checkOneImageForTag(manifests.size(), tag);
        List<ImagePlan> plans = new ArrayList<>();
        for (JsonNode top : manifests) {
            Map<Digest, ImagePlan.Blob> blobs = new LinkedHashMap<>();
            List<ImagePlan.Manifest> ordered = new ArrayList<>();
            JsonNode annotations = top.path("annotations");
            // ref.name is a whole reference or (as docker and skopeo write it) only a tag.
            Name name = name(Optional.ofNullable(annotations.path(CONTAINERD_NAME).textValue())
                    .or(() -> Optional.ofNullable(annotations.path(REF_NAME).textValue())
                            .map(r -> r.contains("/") || r.contains(":") ? r : ":" + r)), repository, tag);
            long[] totals = new long[2];
            collect(top, "index.json", blobs, ordered, totals, name.tag(), 0);
            plans.add(new ImagePlan(name.repository(), List.copyOf(blobs.values()), ordered));
        }
        return plans;
    }

    /** Adds a manifest (after its children) and the blobs it names; depth-limited against cyclic indexes. */
    private void collect(JsonNode descriptor, String namedBy, Map<Digest, ImagePlan.Blob> blobs,
            List<ImagePlan.Manifest> ordered, long[] totals, Tag tag, int depth) throws IOException {
        if (depth > 4) {
            throw ErrorCode.ARCHIVE_INVALID.exception("indexes nested deeper than 4 levels");
        }
        StagedArchive.Entry entry = layoutBlob(descriptor, namedBy);
        byte[] content = archive.read(entry);
        JsonNode doc = json.readTree(content);
        String mediaType = Optional.ofNullable(doc.path("mediaType").textValue())
                .orElse(descriptor.path("mediaType").asText(MediaTypes.OCI_MANIFEST));
        String what = "manifest " + entry.sha256();
        if (MediaTypes.isIndex(mediaType)) {
            for (JsonNode child : doc.path("manifests")) {
                collect(child, what, blobs, ordered, new long[2], null, depth + 1);
            }
            ordered.add(new ImagePlan.Manifest(mediaType, content, tag, 0, content.length));
            return;
        }
        List<JsonNode> referenced = new ArrayList<>();
        referenced.add(doc.path("config"));
        doc.path("layers").forEach(referenced::add);
        long bytes = 0;
        for (JsonNode ref : referenced) {
            if (ref.path("urls").isArray() && !ref.path("urls").isEmpty()) {
                continue; // a foreign layer lives where its URLs say, not in the archive
            }
            StagedArchive.Entry blob = layoutBlob(ref, what);
            blobs.putIfAbsent(blob.sha256(), new ImagePlan.Blob(blob, blob.sha256()));
            bytes += blob.size();
        }
        ordered.add(new ImagePlan.Manifest(mediaType, content, tag, referenced.size() - 1, bytes));
    }

    /** The layout blob a descriptor names: it must exist, hash to its name, and have the descriptor's size. */
    private StagedArchive.Entry layoutBlob(JsonNode descriptor, String namedBy) {
        Digest digest = Digest.parse(text(descriptor, "digest", namedBy));
        StagedArchive.Entry entry = archive.require("blobs/" + digest.algorithm() + "/" + digest.hex(), namedBy);
        if (!digest.algorithm().equals("sha256") || !digest.equals(entry.sha256())) {
            throw ErrorCode.DIGEST_INVALID.exception(entry.name() + " hashes to " + entry.sha256());
        }
        if (descriptor.has("size") && descriptor.path("size").asLong() != entry.size()) {
            throw ErrorCode.SIZE_INVALID.exception(namedBy + " says " + digest + " has "
                    + descriptor.path("size").asLong() + " bytes; the archive's file has " + entry.size());
        }
        return entry;
    }

    /** Files named by a digest ({@code <hex>.json}, {@code blobs/sha256/<hex>}) must hash to it. */
    private static void checkNamedDigest(StagedArchive.Entry entry) {
        String base = entry.name().substring(entry.name().lastIndexOf('/') + 1).replaceFirst("\\.json$", "");
        boolean namedByDigest = base.matches("[0-9a-f]{64}") && !entry.name().endsWith("/layer.tar");
        if (namedByDigest && !base.equals(entry.sha256().hex())) {
            throw ErrorCode.DIGEST_INVALID.exception(entry.name() + " hashes to " + entry.sha256());
        }
    }

    private static void checkOneImageForTag(int images, Optional<Tag> tag) {
        if (tag.isPresent() && images > 1) {
            throw ErrorCode.TAG_INVALID.exception("the archive holds " + images
                    + " images; leave out tag= to use the names they carry");
        }
    }

    private static Optional<String> firstRepoTag(JsonNode image) {
        JsonNode tags = image.path("RepoTags");
        return tags.isArray() && !tags.isEmpty() ? Optional.of(tags.get(0).asText()) : Optional.empty();
    }

    private record Name(RepositoryName repository, Tag tag) {}

    /**
     * Repository and tag: the request's, else the archive's own ({@code host:5000/team/model:1.2} keeps
     * {@code team/model}, {@code 1.2}); a missing tag is {@code latest}.
     */
    private static Name name(Optional<String> carried, Optional<RepositoryName> repository, Optional<Tag> tag) {
        String carriedName = null;
        String carriedTag = null;
        if (carried.isPresent() && !carried.get().isBlank()) {
            String ref = carried.get().split("@")[0];
            int colon = ref.lastIndexOf(':');
            if (colon > ref.lastIndexOf('/')) {
                carriedTag = ref.substring(colon + 1);
                ref = ref.substring(0, colon);
            }
            int slash = ref.indexOf('/');
            String first = slash < 0 ? "" : ref.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                ref = ref.substring(slash + 1);
            }
            carriedName = ref.isEmpty() ? null : ref;
        }
        if (repository.isEmpty() && carriedName == null) {
            throw ErrorCode.NAME_INVALID.exception("the archive names no repository: give repository=");
        }
        RepositoryName repo = repository.isPresent() ? repository.get() : RepositoryName.of(carriedName);
        Tag finalTag = tag.isPresent() ? tag.get() : new Tag(carriedTag == null ? "latest" : carriedTag);
        return new Name(repo, finalTag);
    }

    private JsonNode parse(StagedArchive.Entry entry) throws IOException {
        try {
            return json.readTree(archive.read(entry));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ErrorCode.ARCHIVE_INVALID.exception(entry.name() + " is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode v = node.path(field);
        if (!v.isTextual() || v.asText().isEmpty()) {
            throw ErrorCode.ARCHIVE_INVALID.exception(where + ": \"" + field + "\" is missing");
        }
        return v.asText();
    }

    private static ObjectNode descriptor(String mediaType, Digest digest, long size) {
        ObjectNode d = new ObjectMapper().createObjectNode();
        d.put("mediaType", mediaType);
        d.put("digest", digest.toString());
        d.put("size", size);
        return d;
    }

    static RegistryException invalid(String detail) {
        return ErrorCode.ARCHIVE_INVALID.exception(detail);
    }
}
