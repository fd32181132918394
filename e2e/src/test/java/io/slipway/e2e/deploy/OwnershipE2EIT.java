package io.slipway.e2e.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.slipway.e2e.ComposeStack;
import io.slipway.e2e.Http;
import io.slipway.testsupport.LoadGenerator;
import io.slipway.testsupport.Oip;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Model services are owned by deploy-controller, compose only holds their definition: after a deploy of v2, the
 * operator's daily actions (`./slipway up` with a changed setting, `down` + `up`, `docker restart` of any container,
 * nginx starting while the model is gone) never bring back v1 and never leave the front door down; the stack repairs
 * itself within seconds with no manual step. One private stack for the whole class, the steps in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OwnershipE2EIT {

    private static final String TOKEN = "e2e-ownership-token";
    private static final String IMAGE = System.getenv().getOrDefault("SAMPLE_MODEL_IMAGE",
            "slipway/sample-model:" + System.getenv().getOrDefault("SLIPWAY_TAG", "latest"));
    private static final String MODEL = "/models/sample-model/v2/models/sample-model/infer";
    private static final Duration BACK_WITHIN = Duration.ofSeconds(90);
    private static ComposeStack stack;

    @BeforeAll
    static void up() {
        stack = ComposeStack.start("own", Map.of("SLIPWAY_DEPLOY_TOKEN", TOKEN));
        Http.Reply reply = api("POST", "/deploy?wait=true", "{\"service\":\"sample-model\",\"image\":\"" + IMAGE
                + "\",\"drainTimeout\":\"2s\",\"env\":{\"SAMPLE_MODEL_VERSION\":\"2\"}}");
        assertEquals(200, reply.status(), reply.body());
        assertEquals("2", version());
    }

    @AfterAll
    static void down() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void upWithAChangedSettingKeepsTheDeployedVersionAndRefreshesTheDefinition() throws Exception {
        String color = modelContainer();
        try (LoadGenerator load = new LoadGenerator(stack.frontDoor() + MODEL, 20, 0, Duration.ofMinutes(5))) {
            // Touches every service, so compose recreates all of them (nginx included) and the model's definition.
            stack.upAgain(Map.of("SLIPWAY_LOG_MAX_SIZE", "11m"));
            awaitVersion("2");
            load.close();
            String report = "sent " + load.sent() + ", ok " + load.ok() + ", failed " + load.failures()
                    + ", versions " + load.versions() + "\n" + load;
            System.out.println("up with a changed setting: " + report);
            assertEquals(Set.of("2"), load.versions().keySet(), "v1 never answers again: " + report);
            // nginx is recreated (its setting changed): a short gap, never a restart loop; 20 req/s, 10 s at most.
            assertTrue(load.failures() <= 200, report);
        }
        assertEquals(color, modelContainer(), "the deployed container was left alone");
        assertEquals("0", stack.inspect(stack.containerIds("nginx").get(0), "{{.RestartCount}}"));
        String definition = stack.docker("ps", "-aq", "--filter", "status=created", "--filter",
                "label=com.docker.compose.project=" + stack.project(), "--filter",
                "label=com.docker.compose.service=sample-model").strip();
        assertEquals("11m", stack.inspect(definition, "{{index .HostConfig.LogConfig.Config \"max-size\"}}"),
                "compose refreshed the definition, the template of the next deploy");
    }

    @Test
    @Order(2)
    void downAndUpBringBackTheDeployedVersionAndKeepTheData() {
        Http.Reply job = Http.postJson(stack.frontDoor() + "/jobs", "{\"model\":\"sample-model\",\"input\":"
                + "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[1,2,3,4]}]}}");
        assertEquals(202, job.status(), job.body());
        String id = job.json().get("id").asText();

        stack.downKeepingVolumes();
        assertEquals("", stack.docker("ps", "-aq", "--filter", "label=com.docker.compose.project=" + stack.project())
                .strip(), "down removed every container, the deployed colors too");
        stack.upAgain(Map.of());
        assertEquals("2", version());
        assertEquals(200, Http.get(stack.frontDoor() + "/jobs/" + id).status(), "the job store survived");
        JsonNode service = api("GET", "/services", null).json().get(0);
        assertEquals("start", service.get("lastRepair").get("kind").asText(), service.toString());
    }

    @Test
    @Order(3)
    void restartOfEachContainerComesBackOnTheDeployedVersion() {
        for (String service : List.of("nginx", "deploy-controller", "inference-gateway", "sample-model")) {
            String id = stack.containerIds(service).get(0);
            stack.docker("restart", id);
            Duration took = awaitVersion("2");
            System.out.println("docker restart " + service + ": v2 answers again after " + took.toMillis() + " ms");
        }
        // A removed model container is started again from the deploy record.
        stack.docker("rm", "-f", modelContainer());
        awaitVersion("2");
    }

    @Test
    @Order(4)
    void nginxStartsWithoutAnyModelContainerAndTheControllerBringsItBack() {
        String controller = stack.containerIds("deploy-controller").get(0);
        stack.docker("stop", controller);
        stack.docker("rm", "-f", modelContainer());
        // Before, nginx looped on "host not found in upstream" here and the front door stayed down.
        stack.docker("restart", stack.containerIds("nginx").get(0));
        awaitStatus(stack.frontDoor() + "/nginx-health", 200);
        Http.Reply unavailable = Http.postJson(stack.frontDoor() + MODEL, Oip.ONE_ROW);
        assertEquals(503, unavailable.status(), unavailable.body());
        assertEquals("application/problem+json",
                unavailable.raw().headers().firstValue("Content-Type").orElse(""));
        assertTrue(unavailable.raw().headers().firstValue("Retry-After").isPresent());
        assertEquals(503, unavailable.json().get("status").asInt());
        awaitStatus(stack.frontDoor() + "/q/health/ready", 200);

        stack.docker("start", controller);
        awaitVersion("2");
        JsonNode service = api("GET", "/services", null).json().get(0);
        assertTrue(service.get("routeLive").asBoolean(), service.toString());
    }

    @Test
    @Order(5)
    void recreatingControllerGatewayAndMirrorLosesNoModelRequest() throws Exception {
        try (LoadGenerator load = new LoadGenerator(stack.frontDoor() + MODEL, 50, 0, Duration.ofMinutes(4))) {
            Thread.sleep(1000);
            stack.compose("up", "-d", "--no-deps", "--force-recreate", "deploy-controller", "inference-gateway",
                    "mirror-service");
            stack.awaitHealthy();
            load.close();
            String report = "sent " + load.sent() + ", failed " + load.failures() + ", versions " + load.versions()
                    + "\n" + load;
            System.out.println("recreate controller, gateway, mirror: " + report);
            assertEquals(0, load.failures(), report);
            assertEquals(Set.of("2"), load.versions().keySet(), report);
        }
    }

    private static String modelContainer() {
        List<String> ids = stack.containerIds("sample-model");
        assertEquals(1, ids.size(), "one running model container: " + ids);
        return ids.get(0);
    }

    /** Waits until the front door answers the model with {@code version}; any other version fails at once. */
    private static Duration awaitVersion(String version) {
        long start = System.nanoTime();
        long deadline = start + BACK_WITHIN.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                Http.Reply r = Http.postJson(stack.frontDoor() + MODEL, Oip.ONE_ROW);
                if (r.status() == 200) {
                    String answered = r.json().get("model_version").asText();
                    assertEquals(version, answered, "a silent revert: the front door answered another version");
                    return Duration.ofNanos(System.nanoTime() - start);
                }
                last = r.status() + " " + r.body();
            } catch (RuntimeException e) {
                last = e.toString();
            }
            sleep(Duration.ofMillis(500));
        }
        throw new AssertionError("v" + version + " did not answer within " + BACK_WITHIN + ": " + last + "\n"
                + stack.logs());
    }

    private static void awaitStatus(String url, int status) {
        long deadline = System.nanoTime() + BACK_WITHIN.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                Http.Reply r = Http.get(url);
                if (r.status() == status) {
                    return;
                }
                last = r.status() + " " + r.body();
            } catch (RuntimeException e) {
                last = e.toString();
            }
            sleep(Duration.ofMillis(500));
        }
        throw new AssertionError(url + " did not answer " + status + " within " + BACK_WITHIN + ": " + last);
    }

    private static String version() {
        Http.Reply r = Http.postJson(stack.frontDoor() + MODEL, Oip.ONE_ROW);
        assertEquals(200, r.status(), r.body());
        return r.json().get("model_version").asText();
    }

    private static Http.Reply api(String method, String path, String json) {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(stack.deployController() + path))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json");
        return Http.send(json == null ? r.method(method, HttpRequest.BodyPublishers.noBody())
                : r.method(method, HttpRequest.BodyPublishers.ofString(json)));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
