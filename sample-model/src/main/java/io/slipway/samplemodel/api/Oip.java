package io.slipway.samplemodel.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** The JSON shapes of the Open Inference Protocol v2 REST API that the sample model speaks. */
public final class Oip {

    private Oip() {}

    public record InferRequest(String id, Map<String, Object> parameters, List<Tensor> inputs) {}

    /** A request tensor: {@code data} may be flat or nested (row-major), as OIP allows. */
    public record Tensor(String name, List<Long> shape, String datatype, JsonNode data) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record InferResponse(
            @JsonProperty("model_name") String modelName,
            @JsonProperty("model_version") String modelVersion,
            String id,
            List<OutputTensor> outputs) {}

    public record OutputTensor(String name, List<Long> shape, String datatype, float[] data) {}

    public record TensorMetadata(String name, String datatype, List<Long> shape) {}

    public record ModelMetadata(
            String name, List<String> versions, String platform, List<TensorMetadata> inputs,
            List<TensorMetadata> outputs) {}

    public record ServerMetadata(String name, String version, List<String> extensions) {}

    public record Ready(String name, boolean ready) {}

    /** OIP error body: {@code {"error": "..."}}. */
    public record Error(String error) {}
}
