package io.slipway.gateway.job;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/** The Open Inference Protocol v2 tensor data types and what a JSON element of each must be. */
final class TensorTypes {

    static final Set<String> NUMERIC = Set.of("FP16", "FP32", "FP64", "INT8", "INT16", "INT32", "INT64",
            "UINT8", "UINT16", "UINT32", "UINT64");
    static final Set<String> ALL = Set.of("BOOL", "BYTES", "FP16", "FP32", "FP64", "INT8", "INT16", "INT32",
            "INT64", "UINT8", "UINT16", "UINT32", "UINT64");

    private TensorTypes() {}

    static boolean fits(String datatype, JsonNode element) {
        if (NUMERIC.contains(datatype)) {
            return element.isNumber() && (datatype.startsWith("FP") || element.isIntegralNumber());
        }
        return "BOOL".equals(datatype) ? element.isBoolean() : element.isTextual();
    }
}
