package io.slipway.deploy;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.slipway.deploy.testing.DockerCli;
import io.slipway.deploy.testing.ModelStack;
import io.slipway.testsupport.Await;
import io.slipway.testsupport.Oip;
import io.slipway.testsupport.TrafficProbe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Deploys on the real engine: the controller (on the host) drives a real slipway nginx and real sample-model
 * containers on a test network; traffic through nginx (127.0.0.1) is checked while it deploys.
 *
 * <p>The stack is shared by the tests of this class (one start), and no test depends on another having run: each
 * reads the live color and version it starts from, deploys versions of its own (unique names), and asserts relative
 * to what it found. Any order, any subset.
 */
@QuarkusTest
@QuarkusTestResource(value = ModelStack.class, restrictToAnnotatedClass = true)
class DeployFlowTest {

    private static final String IMAGE = io.slipway.deploy.testing.ModelStack.SAMPLE_MODEL;

    private static RequestSpecification api() {
        return given().header("Authorization", "Bearer " + ModelStack.TOKEN);
    }

    private static Response deploy(Map<String, Object> body) {
        return api().contentType(ContentType.JSON).body(body).queryParam("wait", true).post("/deploy");
    }

    private static String liveVersion() {
        return given().baseUri(ModelStack.nginxUrl()).contentType(ContentType.JSON).body(TrafficProbe.BODY)
                .post("/models/sample-model/v2/models/sample-model/infer")
                .then().statusCode(200).extract().path("model_version");
    }

    private static String liveColor() {
        return api().get("/services").then().statusCode(200).extract().path("[0].color");
    }

    /** The color a deploy over {@code live} creates. */
    private static String nextColor(String live) {
        return "blue".equals(live) ? "green" : "blue";
    }

    /** A model version no other test deploys. */
    private static String uniqueVersion() {
        return "v-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void deploysV2OverV1UnderTrafficThenRollsBack() throws Exception {
        String colorBefore = liveColor();
        String versionBefore = liveVersion();
        String color = nextColor(colorBefore);
        String rollbackColor = nextColor(color);
        String v2 = uniqueVersion();
        api().get("/services").then().statusCode(200)
                .body("[0].name", equalTo("sample-model"))
                .body("[0].color", equalTo(colorBefore))
                .body("[0].healthy", equalTo(true));

        String deployId;
        String rollbackId;
        try (TrafficProbe traffic = new TrafficProbe(ModelStack.nginxUrl())) {
            Response deployed = deploy(Map.of("service", "sample-model", "image", IMAGE,
                    "env", Map.of("SAMPLE_MODEL_VERSION", v2)));
            deployed.then().statusCode(200)
                    .header("Location", containsString("/deploys/d-"))
                    .body("state", equalTo("SUCCEEDED"))
                    .body("color", equalTo(color))
                    .body("previousColor", equalTo(colorBefore))
                    .body("target.env.SAMPLE_MODEL_VERSION", equalTo(v2))
                    .body("previous.env.SAMPLE_MODEL_VERSION", equalTo(versionBefore))
                    .body("target.imageId", startsWith("sha256:"))
                    .body("steps.step", hasItem("switch"))
                    .body("steps.step", hasItem("verified"))
                    .body("phases.name", equalTo(List.of("prepare", "create", "ready", "switch", "verify", "drain",
                            "stop")));
            deployId = deployed.path("id");
            assertEquals(v2, liveVersion());
            api().get("/services").then().statusCode(200)
                    .body("[0].color", equalTo(color))
                    .body("[0].image", equalTo(IMAGE))
                    .body("[0].replicas", equalTo(1))
                    .body("[0].containers.size()", equalTo(1))
                    .body("[0].containers[0].color", equalTo(color));
            // The old color's container is gone; the new one is part of the compose project, with its color and the
            // service definition (restart policy, logging) of the one it replaced.
            List<String> ids = DockerCli.containersWithLabel("com.docker.compose.service=sample-model");
            List<String> ours = ids.stream().filter(id -> DockerCli.run("inspect", "--format",
                    "{{index .Config.Labels \"com.docker.compose.project\"}}", id).equals(ModelStack.project)).toList();
            assertEquals(1, ours.size());
            assertEquals(color + " unless-stopped json-file 1m",
                    DockerCli.run("inspect", "--format", "{{index .Config.Labels \"slipway.color\"}} "
                            + "{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.LogConfig.Type}} "
                            + "{{index .HostConfig.LogConfig.Config \"max-size\"}}", ours.get(0)));

            Response rolledBack = api().post("/services/sample-model/rollback?wait=true");
            rolledBack.then().statusCode(200)
                    .body("kind", equalTo("ROLLBACK"))
                    .body("state", equalTo("SUCCEEDED"))
                    .body("color", equalTo(rollbackColor))
                    .body("target.env.SAMPLE_MODEL_VERSION", equalTo(versionBefore));
            rollbackId = rolledBack.path("id");
            assertEquals(versionBefore, liveVersion());
            traffic.close();
            assertEquals(0, traffic.non2xx() + traffic.errors(), traffic.toString());
            assertTrue(traffic.versions().getOrDefault(v2, 0) > 0, traffic.toString());
        }
        api().get("/deploys?service=sample-model").then().statusCode(200)
                .body("[0].id", equalTo(rollbackId))
                .body("[0].kind", equalTo("ROLLBACK"))
                .body("[1].id", equalTo(deployId));
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("slipway_deploys_total{kind=\"deploy\",result=\"succeeded\",service=\"sample-model\"}"))
                .body(containsString("slipway_deploy_active_color{color=\"" + rollbackColor
                        + "\",service=\"sample-model\"} 1.0"))
                .body(containsString("slipway_deploy_rollbacks_total{service=\"sample-model\",trigger=\"manual\"}"));
    }

    @Test
    void theOldColorIsDrainedOfItsOwnLongRequestBeforeItIsStopped() throws Exception {
        String colorBefore = liveColor();
        String id = api().contentType(ContentType.JSON).body(Map.of("service", "sample-model", "image", IMAGE,
                        "drainTimeout", "60s", "env", Map.of("SAMPLE_MODEL_VERSION", uniqueVersion())))
                .post("/deploy").then().statusCode(202).extract().path("id");
        // Sent right after the deploy was accepted: the new color still has to be created, started and found ready
        // (a second or more), so this 10 s inference is on the old color when the switch happens, and outlives it.
        // (Waiting for the "healthy" step first raced the switch, which follows it within ~100 ms.)
        AtomicReference<Instant> answered = new AtomicReference<>();
        CompletableFuture<HttpResponse<String>> slow = HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(
                        URI.create(ModelStack.nginxUrl() + "/models/sample-model/v2/models/sample-model/infer"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                                Oip.request(10000))).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> answered.set(Instant.now()));
        HttpResponse<String> answer = slow.get(60, TimeUnit.SECONDS);
        Await.until("the deploy finished", Duration.ofMinutes(3),
                () -> !"RUNNING".equals(api().get("/deploys/" + id).path("state")));

        Response deploy = api().get("/deploys/" + id);
        deploy.then().statusCode(200).body("state", equalTo("SUCCEEDED"));
        assertEquals(200, answer.statusCode(), answer.body());
        assertNotEquals(deploy.path("color"), answer.headers().firstValue("X-Slipway-Color").orElse(""),
                "the long request was sent before the switch, to the old color (" + colorBefore + ")");
        List<Map<String, String>> steps = deploy.path("steps");
        Map<String, String> drained = steps.stream().filter(s -> s.get("step").equals("drain")
                && s.get("message").equals("old requests finished")).findFirst().orElseThrow(() ->
                new AssertionError("no drain that saw the old requests finish: " + steps));
        Map<String, String> switched = steps.stream().filter(s -> s.get("step").equals("switch")).findFirst()
                .orElseThrow(() -> new AssertionError("no switch: " + steps));
        assertTrue(answered.get().isAfter(Instant.parse(switched.get("at"))), "the long request was still running"
                + " at the switch (" + switched.get("at") + "), answered at " + answered.get() + ": " + steps);
        Map<String, String> removed = steps.stream().filter(s -> s.get("step").equals("remove")).findFirst()
                .orElseThrow(() -> new AssertionError("old color not removed: " + steps));
        // The answer was read here after nginx sent it; the drain may only end once nginx's request was done.
        assertTrue(Instant.parse(drained.get("at")).isAfter(answered.get().minusMillis(500)),
                "the drain ended at " + drained.get("at") + ", before the old color's request was answered at "
                        + answered.get() + ": " + steps);
        assertTrue(Instant.parse(removed.get("at")).isAfter(Instant.parse(drained.get("at"))), steps.toString());
    }

    @Test
    void missingImageFailsBeforeTouchingAnything() throws Exception {
        // A registry on the loopback that does not exist: the pull fails at once, no traffic leaves the machine.
        assertFailsAndOldKeepsServing(Map.of("service", "sample-model",
                "image", "127.0.0.1:1/slipway-t-deploy/missing:1"), "cannot pull image")
                .then().body("deploy.steps.step", not(hasItem("created")))
                .body("deploy.steps.step", not(hasItem("switch")));
    }

    @Test
    void containerThatExitsAtStartIsRolledBack() throws Exception {
        Response r = assertFailsAndOldKeepsServing(Map.of("service", "sample-model", "image", IMAGE,
                "env", Map.of("QUARKUS_HTTP_PORT", "not-a-port")), "exited with code");
        r.then().body("deploy.logTail", containsString("not-a-port"))
                .body("deploy.steps.step", hasItem("rollback"));
    }

    @Test
    void containerThatNeverGetsHealthyIsRolledBack() throws Exception {
        assertFailsAndOldKeepsServing(Map.of("service", "sample-model", "image", IMAGE, "healthTimeout", "4s",
                "env", Map.of("SAMPLE_MODEL_STARTUP_DELAY", "10m")), "was not healthy within PT4S")
                .then().body("deploy.steps.step", hasItem("rollback"))
                .body("deploy.logTail", notNullValue());
    }

    @Test
    void configThatNginxRejectsIsRolledBack() throws Exception {
        // nginx renders a route file only for a service with an upstream file (a stray file is ignored).
        Path upstream = ModelStack.configDir.resolve("upstreams").resolve("zz-broken.conf");
        Files.writeString(upstream, "upstream slipway_model_zz-broken { server 127.0.0.1:9; }\n");
        Path broken = ModelStack.configDir.resolve("routes").resolve("zz-broken.conf");
        Files.writeString(broken, "this is not nginx config\n");
        try {
            assertFailsAndOldKeepsServing(Map.of("service", "sample-model", "image", IMAGE,
                    "env", Map.of("SAMPLE_MODEL_VERSION", uniqueVersion())), "nginx -t rejected")
                    .then().body("deploy.steps.step", hasItem("rollback"))
                    .body("deploy.steps.step", not(hasItem("verified")));
        } finally {
            Files.delete(broken);
            Files.delete(upstream);
        }
    }

    private Response assertFailsAndOldKeepsServing(Map<String, Object> body, String reason) throws Exception {
        String colorBefore = liveColor();
        String versionBefore = liveVersion();
        Response r;
        try (TrafficProbe traffic = new TrafficProbe(ModelStack.nginxUrl())) {
            r = deploy(body);
            traffic.close();
            assertEquals(0, traffic.non2xx() + traffic.errors(), traffic.toString());
            assertEquals(Map.of(versionBefore, traffic.answered()), traffic.versions());
        }
        r.then().statusCode(502)
                .contentType("application/problem+json")
                .body("type", equalTo("https://slipway.dev/problems/deploy-failed"))
                .body("detail", containsString(reason))
                .body("deploy.state", equalTo("FAILED"))
                .body("deploy.reason", containsString(reason));
        assertEquals(colorBefore, liveColor());
        assertEquals(versionBefore, liveVersion());
        // Only the live color's containers are left.
        api().get("/services").then().body("[0].containers.size()", equalTo(1))
                .body("[0].containers[0].color", equalTo(colorBefore));
        return r;
    }

    @Test
    void secondDeployOfTheSameServiceGets409AndSseStreamsTheFirst() {
        String version = uniqueVersion();
        Response first = api().contentType(ContentType.JSON)
                .body(Map.of("service", "sample-model", "image", IMAGE,
                        "env", Map.of("SAMPLE_MODEL_VERSION", version, "SAMPLE_MODEL_STARTUP_DELAY", "2s")))
                .post("/deploy");
        first.then().statusCode(202).header("Location", containsString("/deploys/d-"))
                .body("state", equalTo("RUNNING"));
        String id = first.path("id");
        api().contentType(ContentType.JSON).body(Map.of("service", "sample-model", "image", IMAGE))
                .post("/deploy").then().statusCode(409)
                .contentType("application/problem+json")
                .body("type", equalTo("https://slipway.dev/problems/deploy-running"))
                .body("deploy.id", equalTo(id));
        String events = api().accept("text/event-stream").get("/deploys/" + id + "/events")
                .then().statusCode(200).extract().asString();
        assertTrue(events.contains("[switch]"), events);
        assertTrue(events.contains("end SUCCEEDED"), events);
        api().get("/deploys/" + id).then().statusCode(200).body("state", equalTo("SUCCEEDED"))
                .body("finishedAt", notNullValue());
        assertEquals(version, liveVersion());
    }

    @Test
    void resumingAServiceThatIsNotPausedIsAConflictAndPauseAndResumeAreInTheOpenApiDocument() {
        // Pausing needs nginx to reach the controller's hold listener (compose: DeployE2EIT); here the controller
        // runs on the host. The rules of pause and resume are checked on the fakes (TrafficPauseTest).
        String color = liveColor();
        api().post("/services/sample-model/resume").then().statusCode(409).contentType("application/problem+json")
                .body("type", equalTo("https://slipway.dev/problems/not-paused"));
        given().post("/services/sample-model/pause").then().statusCode(401);
        assertEquals(color, liveColor());
        given().get("/q/openapi").then().statusCode(200)
                .body(containsString("/services/{name}/pause")).body(containsString("/services/{name}/resume"));
    }

    @Test
    void badInputIsRefusedAndChangesNothing() {
        String color = liveColor();
        int history = api().get("/deploys").then().extract().path("size()");
        Map<Map<String, Object>, String> cases = Map.of(
                Map.of("service", "../etc/passwd", "image", IMAGE), "unknown service",
                Map.of("service", "sample-model", "image", "Slipway/UPPER:latest"), "not a valid image reference",
                Map.of("service", "sample-model", "image", "bad image; rm -rf /"), "not a valid image reference",
                Map.of("service", "sample-model", "image", IMAGE, "replicas", 0), "replicas",
                Map.of("service", "sample-model", "image", IMAGE, "env", Map.of("BAD-NAME", "x")), "valid variable",
                Map.of("service", "sample-model", "image", IMAGE, "healthTimeout", "soon"), "not a duration",
                Map.of("service", "sample-model"), "image is required");
        cases.forEach((body, reason) -> api().contentType(ContentType.JSON).body(body).post("/deploy")
                .then().statusCode(422).contentType("application/problem+json")
                .body("type", equalTo("https://slipway.dev/problems/invalid-deploy"))
                .body("detail", containsString(reason)));
        api().contentType(ContentType.JSON).body("{\"service\": ").post("/deploy")
                .then().statusCode(400).contentType("application/problem+json");
        api().contentType(ContentType.JSON).body("{\"service\":\"sample-model\",\"image\":\"x\",\"bogus\":1}")
                .post("/deploy").then().statusCode(400);
        api().post("/services/nope/rollback").then().statusCode(422);
        api().get("/deploys/not-there").then().statusCode(404).contentType("application/problem+json");
        api().get("/deploys/../../etc").then().statusCode(not(equalTo(200)));
        assertEquals(color, liveColor());
        assertEquals(history, (int) api().get("/deploys").then().extract().path("size()"));
    }

    @Test
    void withoutTheRightTokenEverythingIs401ButHealthAndMetricsAreOpen() {
        given().get("/services").then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"));
        given().header("Authorization", "Bearer wrong").contentType(ContentType.JSON)
                .body(Map.of("service", "sample-model", "image", IMAGE)).post("/deploy").then().statusCode(401);
        given().header("Authorization", "Basic " + ModelStack.TOKEN).get("/deploys").then().statusCode(401);
        given().post("/services/sample-model/rollback").then().statusCode(401);
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
    }
}
