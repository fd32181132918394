package io.slipway.gateway.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.slipway.gateway.error.GatewayError;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks an Open Inference Protocol v2 inference request before it is stored: well-formed tensors whose data fill
 * their shape, and, when the model's metadata is known, the names, types and shapes the model declares.
 */
public final class OipRequests {

    private OipRequests() {}

    /** True when {@code input} looks like an OIP request (has an {@code inputs} array) rather than plain JSON. */
    public static boolean isOipRequest(JsonNode input) {
        return input != null && input.isObject() && input.path("inputs").isArray();
    }

    public static void validate(JsonNode request, Optional<JsonNode> modelMetadata) {
        JsonNode inputs = request.path("inputs");
        if (!inputs.isArray() || inputs.isEmpty()) {
            throw bad("an OIP inference request needs a non-empty 'inputs' array");
        }
        for (JsonNode tensor : inputs) {
            validateTensor(tensor);
        }
        modelMetadata.ifPresent(metadata -> matchMetadata(inputs, metadata));
    }

    private static void validateTensor(JsonNode tensor) {
        String name = tensor.path("name").asText("");
        if (!tensor.isObject() || name.isBlank()) {
            throw bad("every input tensor needs a 'name'");
        }
        String datatype = tensor.path("datatype").asText("");
        if (!TensorTypes.ALL.contains(datatype)) {
            throw bad("input '" + name + "': datatype must be one of " + TensorTypes.ALL.stream().sorted().toList()
                    + ", got '" + datatype + "'");
        }
        long expected = elements(name, tensor.path("shape"));
        List<JsonNode> flat = new ArrayList<>();
        JsonNode data = tensor.path("data");
        if (data.isMissingNode() || data.isNull()) {
            throw bad("input '" + name + "': 'data' is missing");
        }
        flatten(data, flat);
        if (flat.size() != expected) {
            throw bad("input '" + name + "': shape " + tensor.path("shape") + " needs " + expected
                    + " values, 'data' has " + flat.size());
        }
        for (JsonNode element : flat) {
            if (!TensorTypes.fits(datatype, element)) {
                throw bad("input '" + name + "': " + element + " is not a " + datatype + " value");
            }
        }
    }

    private static long elements(String name, JsonNode shape) {
        if (!shape.isArray()) {
            throw bad("input '" + name + "': 'shape' must be an array of non-negative integers");
        }
        long product = 1;
        for (JsonNode dimension : shape) {
            if (!dimension.isIntegralNumber() || dimension.asLong() < 0 || dimension.asLong() > 100_000_000) {
                throw bad("input '" + name + "': 'shape' must be an array of non-negative integers, got " + shape);
            }
            product = Math.multiplyExact(product, dimension.asLong());
        }
        return product;
    }

    private static void flatten(JsonNode node, List<JsonNode> out) {
        if (node.isArray()) {
            node.forEach(element -> flatten(element, out));
        } else {
            out.add(node);
        }
    }

    /** Declared shapes use -1 for "any size". Tensors the model does not declare are refused. */
    private static void matchMetadata(JsonNode inputs, JsonNode metadata) {
        JsonNode declared = metadata.path("inputs");
        if (!declared.isArray() || declared.isEmpty()) {
            return;
        }
        for (JsonNode tensor : inputs) {
            String name = tensor.path("name").asText();
            JsonNode spec = find(declared, name);
            if (spec == null) {
                throw bad("model '" + metadata.path("name").asText() + "' has no input '" + name + "'; it takes "
                        + names(declared));
            }
            String wantedType = spec.path("datatype").asText();
            if (!wantedType.isEmpty() && !wantedType.equals(tensor.path("datatype").asText())) {
                throw bad("input '" + name + "': the model takes " + wantedType + ", got "
                        + tensor.path("datatype").asText());
            }
            if (!shapeFits(spec.path("shape"), tensor.path("shape"))) {
                throw bad("input '" + name + "': shape " + tensor.path("shape") + " does not fit the model's "
                        + spec.path("shape") + " (-1 is any size)");
            }
        }
    }

    private static boolean shapeFits(JsonNode declared, JsonNode actual) {
        if (!declared.isArray()) {
            return true;
        }
        // A model declaring [-1, n] commonly also takes one row given as [n].
        if (declared.size() == actual.size() + 1 && declared.get(0).asLong() == -1) {
            for (int i = 0; i < actual.size(); i++) {
                if (!dimensionFits(declared.get(i + 1), actual.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (declared.size() != actual.size()) {
            return false;
        }
        for (int i = 0; i < declared.size(); i++) {
            if (!dimensionFits(declared.get(i), actual.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean dimensionFits(JsonNode declared, JsonNode actual) {
        return declared.asLong() < 0 || declared.asLong() == actual.asLong();
    }

    private static JsonNode find(JsonNode declared, String name) {
        for (JsonNode spec : declared) {
            if (name.equals(spec.path("name").asText())) {
                return spec;
            }
        }
        return null;
    }

    private static List<String> names(JsonNode declared) {
        List<String> names = new ArrayList<>();
        declared.forEach(spec -> names.add(spec.path("name").asText()));
        return names;
    }

    private static JobRejected bad(String detail) {
        return new JobRejected(GatewayError.INVALID_INFERENCE_REQUEST, detail);
    }
}
