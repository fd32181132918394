package io.slipway.gateway.job;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.slipway.gateway.error.GatewayError;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a client's arbitrary JSON into OIP input tensors. A mapping names, per tensor, the fields of one record
 * that make one row:
 *
 * <pre>{"records": "/rows", "inputs": [{"name": "input", "datatype": "FP32", "fields": ["x0", "x1", "/m/x2", "x3"]}]}</pre>
 *
 * The records are the input itself when it is an array, the array at {@code records} (a JSON pointer) when given,
 * else the input object as the only record. A field is a top-level name or a JSON pointer; its value is a scalar or
 * an array of scalars (flattened into the row). Each tensor gets shape {@code [records, row length]}.
 */
public record InputMapping(Optional<JsonPointer> records, List<Tensor> inputs) {

    private static final int MAX_ROWS = 100_000;

    public record Tensor(String name, String datatype, List<JsonPointer> fields) {}

    /** Reads a mapping, refusing a malformed one with a clear message. */
    public static InputMapping parse(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw bad("'mapping' must be an object with an 'inputs' array");
        }
        Optional<JsonPointer> records = Optional.empty();
        if (node.has("records")) {
            records = Optional.of(pointer(node.get("records"), "'records'"));
        }
        JsonNode inputs = node.path("inputs");
        if (!inputs.isArray() || inputs.isEmpty()) {
            throw bad("'mapping.inputs' must be a non-empty array of {name, datatype, fields}");
        }
        List<Tensor> tensors = new ArrayList<>();
        for (JsonNode input : inputs) {
            String name = input.path("name").asText("");
            String datatype = input.path("datatype").asText("FP32");
            if (name.isBlank()) {
                throw bad("every 'mapping.inputs' entry needs a 'name'");
            }
            if (!TensorTypes.ALL.contains(datatype)) {
                throw bad("mapping input '" + name + "': unknown datatype '" + datatype + "'");
            }
            JsonNode fields = input.path("fields");
            if (!fields.isArray() || fields.isEmpty()) {
                throw bad("mapping input '" + name + "': 'fields' must be a non-empty array");
            }
            List<JsonPointer> pointers = new ArrayList<>();
            for (JsonNode field : fields) {
                pointers.add(pointer(field, "mapping input '" + name + "' field"));
            }
            tensors.add(new Tensor(name, datatype, List.copyOf(pointers)));
        }
        return new InputMapping(records, List.copyOf(tensors));
    }

    /** The OIP request for {@code input}; {@code id} becomes the request id. */
    public ObjectNode apply(JsonNode input, String id) {
        List<JsonNode> rows = records(input);
        ObjectNode request = JsonNodeFactory.instance.objectNode();
        request.put("id", id);
        ArrayNode tensors = request.putArray("inputs");
        for (Tensor tensor : inputs) {
            ArrayNode data = JsonNodeFactory.instance.arrayNode();
            int width = -1;
            for (int row = 0; row < rows.size(); row++) {
                int before = data.size();
                for (JsonPointer field : tensor.fields()) {
                    addValue(tensor, field, rows.get(row).at(field), row, data);
                }
                int rowWidth = data.size() - before;
                if (width >= 0 && rowWidth != width) {
                    throw bad("input '" + tensor.name() + "': record " + row + " gives " + rowWidth
                            + " values, record 0 gave " + width);
                }
                width = rowWidth;
            }
            ObjectNode out = tensors.addObject();
            out.put("name", tensor.name());
            out.putArray("shape").add(rows.size()).add(width);
            out.put("datatype", tensor.datatype());
            out.set("data", data);
        }
        return request;
    }

    private List<JsonNode> records(JsonNode input) {
        JsonNode source = records.map(input::at).orElse(input);
        if (source.isMissingNode()) {
            throw bad("the input has no records at '" + records.get() + "'");
        }
        List<JsonNode> rows = new ArrayList<>();
        if (source.isArray()) {
            source.forEach(rows::add);
        } else if (source.isObject()) {
            rows.add(source);
        }
        if (rows.isEmpty() || rows.size() > MAX_ROWS) {
            throw bad("the input must be an object or a non-empty array of at most " + MAX_ROWS + " objects");
        }
        return rows;
    }

    private static void addValue(Tensor tensor, JsonPointer field, JsonNode value, int row, ArrayNode data) {
        if (value.isMissingNode() || value.isNull()) {
            throw bad("input '" + tensor.name() + "': record " + row + " has no field '" + display(field) + "'");
        }
        if (value.isArray()) {
            for (JsonNode element : value) {
                addValue(tensor, field, element, row, data);
            }
            return;
        }
        if (!TensorTypes.fits(tensor.datatype(), value)) {
            throw bad("input '" + tensor.name() + "': record " + row + " field '" + display(field) + "' is "
                    + value + ", not a " + tensor.datatype() + " value");
        }
        data.add(value);
    }

    private static String display(JsonPointer pointer) {
        String text = pointer.toString();
        return text.lastIndexOf('/') == 0 ? text.substring(1) : text;
    }

    private static JsonPointer pointer(JsonNode node, String what) {
        if (!node.isTextual() || node.asText().isEmpty()) {
            throw bad(what + " must be a field name or a JSON pointer such as \"/a/b\"");
        }
        String text = node.asText();
        try {
            return JsonPointer.compile(text.startsWith("/") ? text : "/" + text.replace("~", "~0").replace("/", "~1"));
        } catch (IllegalArgumentException e) {
            throw bad(what + " '" + text + "' is not a valid JSON pointer");
        }
    }

    private static JobRejected bad(String detail) {
        return new JobRejected(GatewayError.INVALID_MAPPING, detail);
    }
}
