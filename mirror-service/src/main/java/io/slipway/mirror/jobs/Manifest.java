package io.slipway.mirror.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.slipway.mirror.registry.Digest;
import io.slipway.mirror.registry.MediaTypes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** A manifest as pulled: its exact bytes (pushed unchanged, so digests stay), media type and parsed document. */
record Manifest(Digest digest, String mediaType, byte[] content, JsonNode doc) {

    private static final ObjectMapper JSON = new ObjectMapper();

    record Blob(Digest digest, long size) {}

    static Manifest of(byte[] content, String contentType, Digest digest) throws IOException {
        JsonNode doc = JSON.readTree(content);
        if (doc == null || !doc.isObject()) {
            throw new DestinationException("the source sent a manifest that is not a JSON object", false, null);
        }
        String type = doc.path("mediaType").asText(null);
        if (type == null) {
            type = contentType == null ? MediaTypes.OCI_MANIFEST : MediaTypes.base(contentType);
        }
        return new Manifest(digest, type, content, doc);
    }

    boolean isIndex() {
        return MediaTypes.isIndex(mediaType) || doc.has("manifests");
    }

    List<JsonNode> children() {
        List<JsonNode> out = new ArrayList<>();
        doc.path("manifests").forEach(out::add);
        return out;
    }

    /** Config and layers of an image manifest. */
    List<Blob> blobs() {
        List<Blob> out = new ArrayList<>();
        if (doc.has("config")) {
            out.add(blob(doc.get("config")));
        }
        doc.path("layers").forEach(l -> out.add(blob(l)));
        return out;
    }

    /** The same index with only {@code kept} of its entries: a new manifest with a digest of its own. */
    Manifest withChildren(List<JsonNode> kept) throws IOException {
        ObjectNode copy = doc.deepCopy();
        ArrayNode list = copy.putArray("manifests");
        kept.forEach(list::add);
        byte[] bytes = JSON.writeValueAsBytes(copy);
        return new Manifest(Digest.sha256(bytes), mediaType, bytes, copy);
    }

    static Blob blob(JsonNode descriptor) {
        return new Blob(Digest.parse(descriptor.path("digest").asText()), descriptor.path("size").asLong(-1));
    }
}
