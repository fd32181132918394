package io.slipway.deploy.api;

/** Example bodies shown in the OpenAPI document (Swagger UI at /swagger). */
final class ApiExamples {

    static final String DEPLOY_REQUEST = """
            {"service": "sample-model", "image": "127.0.0.1:5000/slipway/sample-model:1.1",
             "replicas": 2, "healthTimeout": "90s", "drainTimeout": "30s", "env": {"MODEL_VERSION": "1.1"}}""";

    static final String DEPLOY_RUNNING = """
            {"id": "d-20261201-120000-1a2b3c4d", "kind": "DEPLOY", "service": "sample-model", "state": "RUNNING",
             "target": {"image": "127.0.0.1:5000/slipway/sample-model:1.1", "env": {"MODEL_VERSION": "1.1"}},
             "replicas": 2, "healthTimeout": "PT1M30S", "drainTimeout": "PT30S",
             "steps": [{"at": "2026-12-01T12:00:00.100Z", "step": "accepted",
                        "message": "deploy of sample-model to 127.0.0.1:5000/slipway/sample-model:1.1"}],
             "createdAt": "2026-12-01T12:00:00.100Z"}""";

    static final String DEPLOY_SUCCEEDED = """
            {"id": "d-20261201-120000-1a2b3c4d", "kind": "DEPLOY", "service": "sample-model", "state": "SUCCEEDED",
             "target": {"image": "127.0.0.1:5000/slipway/sample-model:1.1", "imageId": "sha256:9f86d081884c...",
                        "digest": "127.0.0.1:5000/slipway/sample-model@sha256:2c26b46b68ff...",
                        "env": {"MODEL_VERSION": "1.1"}},
             "previous": {"image": "127.0.0.1:5000/slipway/sample-model:1.0", "imageId": "sha256:60303ae22b99...",
                          "env": {}},
             "color": "green", "previousColor": "blue", "replicas": 2, "healthTimeout": "PT1M30S",
             "drainTimeout": "PT30S",
             "steps": [{"at": "2026-12-01T12:00:00.100Z", "step": "accepted", "message": "deploy of sample-model"},
                       {"at": "2026-12-01T12:00:00.400Z", "step": "create", "message": "started sample-model-green-1"},
                       {"at": "2026-12-01T12:00:01.300Z", "step": "healthy", "message": "sample-model-green-1 is healthy"},
                       {"at": "2026-12-01T12:00:01.500Z", "step": "switch", "message": "nginx: sample-model -> green"},
                       {"at": "2026-12-01T12:00:02.100Z", "step": "done", "message": "sample-model runs ... on green"}],
             "createdAt": "2026-12-01T12:00:00.100Z", "finishedAt": "2026-12-01T12:00:02.100Z"}""";

    static final String DEPLOY_EVENTS = """
            data: 2026-12-01T12:00:00.100Z [accepted] deploy of sample-model to 127.0.0.1:5000/slipway/sample-model:1.1

            data: 2026-12-01T12:00:01.300Z [healthy] sample-model-green-1 is healthy

            data: end SUCCEEDED
            """;

    static final String SERVICES = """
            [{"name": "sample-model", "color": "green", "image": "127.0.0.1:5000/slipway/sample-model:1.1",
              "imageId": "sha256:9f86d081884c...", "digest": "127.0.0.1:5000/slipway/sample-model@sha256:2c26b4...",
              "replicas": 2, "healthy": true, "routeLive": true, "definitionImage": "slipway/sample-model:latest",
              "containers": [{"name": "sample-model-green-1", "color": "green", "status": "running",
                              "health": "healthy", "image": "127.0.0.1:5000/slipway/sample-model:1.1"}]}]""";

    private ApiExamples() {}
}
