package io.slipway.samplemodel.api;

/** Example bodies shown in the OpenAPI document (Swagger UI at /swagger). */
final class ApiExamples {

    static final String SERVER = """
            {"name": "slipway-sample-model", "version": "1", "extensions": []}""";

    static final String METADATA = """
            {"name": "sample-model", "versions": ["1"], "platform": "slipway-java",
             "inputs": [{"name": "input", "datatype": "FP32", "shape": [-1, 4]}],
             "outputs": [{"name": "probability", "datatype": "FP32", "shape": [-1, 1]},
                         {"name": "logit", "datatype": "FP32", "shape": [-1, 1]}]}""";

    static final String INFER_REQUEST = """
            {"id": "req-1", "inputs": [{"name": "input", "shape": [2, 4], "datatype": "FP32",
              "data": [1, 2, 3, 4, 0, 0, 0, 0]}]}""";

    static final String INFER_RESPONSE = """
            {"model_name": "sample-model", "model_version": "1", "id": "req-1",
             "outputs": [{"name": "probability", "shape": [2, 1], "datatype": "FP32", "data": [0.9168273, 0.4750208]},
                         {"name": "logit", "shape": [2, 1], "datatype": "FP32", "data": [2.4, -0.1]}]}""";

    private ApiExamples() {}
}
