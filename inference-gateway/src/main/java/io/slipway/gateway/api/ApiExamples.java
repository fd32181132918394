package io.slipway.gateway.api;

/** Example bodies shown in the OpenAPI document (Swagger UI at /swagger). */
final class ApiExamples {

    static final String SUBMISSION = """
            {"model": "sample-model",
             "input": {"inputs": [{"name": "input", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}]},
             "timeoutSeconds": 60}""";

    static final String MAPPED_SUBMISSION = """
            {"model": "sample-model",
             "input": [{"a": 1, "b": 2, "c": 3, "d": 4}],
             "mapping": {"inputs": [{"name": "input", "datatype": "FP32", "fields": ["a", "b", "c", "d"]}]}}""";

    static final String ADD_JOB = """
            {"x0": 1, "x1": 2, "x2": 3, "x3": 4}""";

    static final String JOB = """
            {"id": "5b0c2f1e-8d2a-4c55-9a43-2f8e0c1d7a10", "model": "sample-model", "status": "queued",
             "attempts": 0, "timeoutSeconds": 60, "createdAt": "2026-12-01T09:30:00Z",
             "updatedAt": "2026-12-01T09:30:00Z",
             "links": {"self": "http://127.0.0.1:8080/jobs/5b0c2f1e-8d2a-4c55-9a43-2f8e0c1d7a10",
                       "result": "http://127.0.0.1:8080/jobs/5b0c2f1e-8d2a-4c55-9a43-2f8e0c1d7a10/result",
                       "events": "http://127.0.0.1:8080/jobs/5b0c2f1e-8d2a-4c55-9a43-2f8e0c1d7a10/events",
                       "cancel": "http://127.0.0.1:8080/jobs/5b0c2f1e-8d2a-4c55-9a43-2f8e0c1d7a10/cancel"}}""";

    static final String JOB_PAGE = """
            {"jobs": [{"id": "5b0c2f1e-8d2a-4c55-9a43-2f8e0c1d7a10", "model": "sample-model", "status": "succeeded",
                       "attempts": 1, "timeoutSeconds": 60, "createdAt": "2026-12-01T09:30:00Z",
                       "updatedAt": "2026-12-01T09:30:01Z", "startedAt": "2026-12-01T09:30:00Z",
                       "finishedAt": "2026-12-01T09:30:01Z",
                       "links": {"self": "http://127.0.0.1:8080/jobs/5b0c2f1e-8d2a-4c55-9a43-2f8e0c1d7a10"}}],
             "next": "http://127.0.0.1:8080/jobs?limit=1&cursor=MTc2NDU4MTQwMTAwMDo1YjBj"}""";

    static final String EVENTS = """
            data:{"id":"5b0c…","model":"sample-model","status":"queued","attempts":0,…}

            data:{"id":"5b0c…","model":"sample-model","status":"running","attempts":1,…}

            data:{"id":"5b0c…","model":"sample-model","status":"succeeded","attempts":1,…}
            """;

    static final String RESULT = """
            {"model_name": "sample-model", "model_version": "1",
             "outputs": [{"name": "probability", "shape": [1, 1], "datatype": "FP32", "data": [0.9933]}]}""";

    static final String MODELS = """
            {"models": [{"name": "sample-model", "ready": true, "detail": "ready", "queued": 0, "concurrency": 4,
                         "maxQueueDepth": 10000, "mapping": true, "metadata": true}]}""";

    static final String METADATA = """
            {"name": "sample-model", "versions": ["1"], "platform": "slipway-sample",
             "inputs": [{"name": "input", "datatype": "FP32", "shape": [-1, 4]}],
             "outputs": [{"name": "probability", "datatype": "FP32", "shape": [-1, 1]}]}""";

    private ApiExamples() {}
}
