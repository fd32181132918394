package io.slipway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.slipway.testsupport.Oip;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The foundation, end to end: the compose stack built from our own images runs on the real engine, every service is
 * healthy for real, and an inference request reaches the sample model through nginx, directly and via the gateway.
 */
@ExtendWith(StackExtension.class)
class StackIT {

    private static final String TWO_ROWS = Oip.request(new double[][] {{1, 2, 3, 4}, {0.5, -1, 0, 0.25}}, 0);

    private static void assertScores(Http.Reply reply) {
        assertEquals(200, reply.status(), reply.body());
        JsonNode body = reply.json();
        assertEquals("sample-model", body.get("model_name").asText());
        assertEquals("1", body.get("model_version").asText());
        JsonNode probability = body.get("outputs").get(0);
        assertEquals("probability", probability.get("name").asText());
        assertEquals(Oip.probability(1, 2, 3, 4), probability.get("data").get(0).asDouble(), 1e-6);
        assertEquals(Oip.probability(0.5, -1, 0, 0.25), probability.get("data").get(1).asDouble(), 1e-6);
    }

    @Test
    void inferenceThroughNginxReachesTheSampleModel(ComposeStack stack) {
        assertScores(Http.postJson(stack.frontDoor() + "/models/sample-model/v2/models/sample-model/infer", TWO_ROWS));
    }

    @Test
    void inferenceThroughTheGatewaySyncPathReachesTheSampleModel(ComposeStack stack) {
        assertScores(Http.postJson(stack.frontDoor() + "/v2/models/sample-model/infer", TWO_ROWS));
    }

    @Test
    void malformedTensorsComeBackAsOipErrorsThroughNginx(ComposeStack stack) {
        Http.Reply reply = Http.postJson(stack.frontDoor() + "/models/sample-model/v2/models/sample-model/infer",
                "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[1,2]}]}");
        assertEquals(400, reply.status(), reply.body());
        assertTrue(reply.json().get("error").asText().contains("needs 4 values"), reply.body());
    }

    @Test
    void everyServiceIsReadyWithItsRealChecks(ComposeStack stack) {
        Map<String, List<String>> checks = Map.of(
                stack.frontDoor(), List.of("job-store"),
                "http://" + stack.registry(), List.of("storage-writable"),
                stack.deployController(), List.of("container-engine", "nginx-config-dir"));
        checks.forEach((base, names) -> {
            Http.Reply reply = Http.get(base + "/q/health/ready");
            assertEquals(200, reply.status(), base + ": " + reply.body());
            JsonNode body = reply.json();
            assertEquals("UP", body.get("status").asText(), reply.body());
            for (String name : names) {
                boolean up = false;
                for (JsonNode check : body.get("checks")) {
                    up |= check.get("name").asText().equals(name) && check.get("status").asText().equals("UP");
                }
                assertTrue(up, base + " lacks an UP check '" + name + "': " + reply.body());
            }
        });
    }

    @Test
    void everyServiceExportsPrometheusMetricsAndOpenApi(ComposeStack stack) {
        for (String base : List.of(stack.frontDoor(), "http://" + stack.registry(), stack.deployController())) {
            Http.Reply metrics = Http.get(base + "/q/metrics");
            assertEquals(200, metrics.status(), base);
            assertTrue(metrics.body().contains("# TYPE jvm_memory_used_bytes gauge"), base + " metrics");
            assertEquals(200, Http.get(base + "/q/openapi").status(), base + " openapi");
            assertEquals(200, Http.get(base + "/swagger/").status(), base + " swagger-ui at /swagger");
        }
    }

    @Test
    void servicesRunAsNonRootWithRestartPolicyAndLogRotation(ComposeStack stack) {
        for (String service : List.of("inference-gateway", "mirror-service", "deploy-controller", "sample-model")) {
            List<String> ids = stack.containerIds(service);
            assertFalse(ids.isEmpty(), service + " has no running container");
            // docker exec, not compose exec: a model's running container is a color deploy-controller made.
            String inspected = stack.exec(ids.get(0), "id", "-u").trim();
            assertEquals("1001", inspected, service + " runs as uid " + inspected);
        }
        for (String service : List.of("nginx", "inference-gateway", "mirror-service", "deploy-controller",
                "sample-model")) {
            String id = stack.containerIds(service).get(0);
            String config = dockerInspect(stack, id,
                    "{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.LogConfig.Type}} "
                            + "{{index .HostConfig.LogConfig.Config \"max-size\"}}");
            assertEquals("unless-stopped json-file 10m", config, service);
        }
    }

    @Test
    void portsArePublishedOnLoopbackOnly(ComposeStack stack) {
        for (String service : List.of("nginx", "mirror-service", "deploy-controller")) {
            String id = stack.containerIds(service).get(0);
            String bindings = dockerInspect(stack, id,
                    "{{range $p, $b := .HostConfig.PortBindings}}{{range $b}}{{.HostIp}} {{end}}{{end}}").trim();
            assertFalse(bindings.isEmpty(), service + " publishes nothing");
            for (String ip : bindings.split("\\s+")) {
                assertEquals("127.0.0.1", ip, service + " publishes on " + bindings);
            }
        }
    }

    private static String dockerInspect(ComposeStack stack, String id, String format) {
        assertTrue(stack.containerIds(null).contains(id), id + " is not part of " + stack.project());
        return stack.inspect(id, format);
    }
}
