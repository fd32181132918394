package io.slipway.samplemodel.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.slipway.samplemodel.model.LogisticModel;
import java.util.ArrayList;
import java.util.List;

/** Turns an OIP input tensor into the model's {@code [rows, features]} matrix, refusing anything malformed. */
final class TensorDecoder {

    private static final List<String> NUMERIC_TYPES = List.of("FP32", "FP64", "FP16", "INT32", "INT64");

    private TensorDecoder() {}

    record Matrix(float[] values, int rows) {}

    static Matrix decode(Oip.InferRequest request) {
        if (request == null || request.inputs() == null || request.inputs().isEmpty()) {
            throw OipException.badRequest("request must have at least one tensor in 'inputs'");
        }
        if (request.inputs().size() != 1) {
            throw OipException.badRequest("expected exactly 1 input tensor, got " + request.inputs().size());
        }
        Oip.Tensor tensor = request.inputs().get(0);
        if (tensor == null || tensor.name() == null || tensor.name().isBlank()) {
            throw OipException.badRequest("input tensor must have a 'name'");
        }
        String name = tensor.name();
        if (tensor.datatype() == null || !NUMERIC_TYPES.contains(tensor.datatype())) {
            throw OipException.badRequest("input '" + name + "': datatype must be one of " + NUMERIC_TYPES
                    + ", got " + tensor.datatype());
        }
        int rows = rows(name, tensor.shape());
        List<Float> flat = new ArrayList<>();
        flatten(name, tensor.data(), flat);
        if (flat.size() != rows * LogisticModel.FEATURES) {
            throw OipException.badRequest("input '" + name + "': shape " + tensor.shape() + " needs "
                    + rows * LogisticModel.FEATURES + " values, data has " + flat.size());
        }
        float[] values = new float[flat.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = flat.get(i);
        }
        return new Matrix(values, rows);
    }

    private static int rows(String name, List<Long> shape) {
        if (shape == null || shape.isEmpty() || shape.size() > 2 || shape.contains(null)) {
            throw OipException.badRequest("input '" + name + "': shape must be [" + LogisticModel.FEATURES
                    + "] or [rows, " + LogisticModel.FEATURES + "], got " + shape);
        }
        long features = shape.get(shape.size() - 1);
        long rows = shape.size() == 2 ? shape.get(0) : 1;
        if (features != LogisticModel.FEATURES || rows < 1 || rows > 10_000) {
            throw OipException.badRequest("input '" + name + "': shape must be [" + LogisticModel.FEATURES
                    + "] or [rows, " + LogisticModel.FEATURES + "] with 1..10000 rows, got " + shape);
        }
        return (int) rows;
    }

    private static void flatten(String name, JsonNode node, List<Float> out) {
        if (node == null || node.isNull()) {
            throw OipException.badRequest("input '" + name + "': 'data' is missing");
        }
        if (node.isArray()) {
            for (JsonNode element : node) {
                flatten(name, element, out);
            }
        } else if (node.isNumber()) {
            out.add(node.floatValue());
        } else {
            throw OipException.badRequest("input '" + name + "': data must hold numbers only, found " + node);
        }
    }
}
