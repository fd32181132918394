package io.slipway.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slipway.deploy.testing.DockerCli;
import io.slipway.deploy.testing.ModelStack;
import io.slipway.testsupport.ChildProcess;
import io.slipway.testsupport.Oip;
import io.slipway.testsupport.Ports;
import io.slipway.testsupport.Repository;
import io.slipway.testsupport.TrafficProbe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Crash safety, proven with kill -9: the packaged controller runs as a child process, is killed (SIGKILL) in the middle
 * of a deploy and started again; it must reconcile to exactly one live, healthy color while traffic through nginx
 * never fails. The tests share one stack and none depends on another: each starts from the color and version it finds.
 */
class CrashRecoveryIT {

    private static final ModelStack STACK = new ModelStack();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Map<String, String> config;
    private ChildProcess controller;
    private int port;

    @BeforeAll
    static void stack() {
        config = STACK.start();
    }

    @AfterAll
    static void tearDown() {
        STACK.stop();
    }

    @AfterEach
    void stopController() {
        if (controller != null) {
            controller.kill9();
        }
    }

    @Test
    void killedWhileTheNewColorStartsRollsBackOnRestart() throws Exception {
        startController();
        List<String> before = colors();
        assertEquals(1, before.size(), "one live color to start from: " + before);
        String versionBefore = liveVersion();
        try (TrafficProbe traffic = new TrafficProbe(ModelStack.nginxUrl())) {
            String id = post("/deploy", "{\"service\":\"sample-model\",\"image\":\"" + ModelStack.SAMPLE_MODEL + "\","
                    + "\"env\":{\"SAMPLE_MODEL_VERSION\":\"" + uniqueVersion() + "\",\"SAMPLE_MODEL_STARTUP_DELAY\":\"60s\"}}")
                    .get("id").asText();
            awaitStep(id, "health");
            killController();
            assertEquals(2, colors().size(), "the half-made color exists while the controller is down");

            startController();
            JsonNode deploy = get("/deploys/" + id);
            assertEquals("FAILED", deploy.get("state").asText());
            assertTrue(deploy.get("reason").asText().contains("rolled back to " + before.get(0)), deploy.toString());
            assertEquals(before, colors());
            traffic.close();
            assertEquals(0, traffic.non2xx() + traffic.errors(), traffic.toString());
            assertEquals(Map.of(versionBefore, traffic.answered()), traffic.versions());
        }
    }

    @Test
    void killedWhileDrainingAfterTheSwitchCompletesOnRestart() throws Exception {
        startController();
        List<String> before = colors();
        assertEquals(1, before.size(), "one live color to start from: " + before);
        String versionBefore = liveVersion();
        String color = "blue".equals(before.get(0)) ? "green" : "blue";
        String version = uniqueVersion();
        try (TrafficProbe traffic = new TrafficProbe(ModelStack.nginxUrl())) {
            // A slow request on the old color keeps the old nginx workers busy, so the deploy waits in "drain".
            CompletableFuture<HttpResponse<String>> slow = HTTP.sendAsync(HttpRequest.newBuilder(URI.create(
                    ModelStack.nginxUrl() + "/models/sample-model/v2/models/sample-model/infer"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            Oip.request(20000)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            Thread.sleep(500);
            String id = post("/deploy", "{\"service\":\"sample-model\",\"image\":\"" + ModelStack.SAMPLE_MODEL + "\","
                    + "\"drainTimeout\":\"60s\",\"env\":{\"SAMPLE_MODEL_VERSION\":\"" + version + "\"}}").get("id").asText();
            awaitStep(id, "drain");
            killController();
            assertEquals(2, colors().size(), "both colors exist while the controller is down");

            startController();
            JsonNode deploy = get("/deploys/" + id);
            assertEquals("SUCCEEDED", deploy.get("state").asText(), deploy.toString());
            assertEquals(List.of(color), colors());
            assertEquals(color, get("/services").get(0).get("color").asText());
            traffic.close();
            assertEquals(0, traffic.non2xx() + traffic.errors(), traffic.toString());
            assertTrue(traffic.versions().getOrDefault(version, 0) > 0, traffic.toString());
            // The request that was running on the old color during all this was answered by it.
            HttpResponse<String> slowAnswer = slow.get();
            assertEquals(200, slowAnswer.statusCode(), slowAnswer.body());
            assertEquals(versionBefore, Oip.modelVersion(slowAnswer.body()), slowAnswer.body());
        }
    }

    /** Colors of the service's containers that exist now (running or not), one entry per color. */
    private static List<String> colors() {
        List<String> colors = new ArrayList<>();
        for (String id : DockerCli.containersWithLabel("com.docker.compose.project=" + ModelStack.project)) {
            String labels = DockerCli.run("inspect", "--format", "{{index .Config.Labels \"com.docker.compose.service\"}}"
                    + " {{index .Config.Labels \"slipway.color\"}}", id);
            if (labels.startsWith("sample-model")) {
                String color = labels.substring("sample-model".length()).strip();
                color = color.isEmpty() || color.equals("<no value>") ? "none" : color;
                if (!colors.contains(color)) {
                    colors.add(color);
                }
            }
        }
        return colors;
    }

    /** The model version that answers through nginx now. */
    private static String liveVersion() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(ModelStack.nginxUrl()
                + "/models/sample-model/v2/models/sample-model/infer")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Oip.ONE_ROW)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return Oip.modelVersion(r.body());
    }

    private static String uniqueVersion() {
        return "v-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private void startController() {
        Path jar = Repository.packagedJar("deploy-controller");
        port = Ports.freePort();
        List<String> command = new ArrayList<>(List.of(Repository.javaBin(), "-Dquarkus.http.port=" + port,
                "-Dquarkus.http.host=127.0.0.1"));
        config.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", jar.toString()));
        controller = new ChildProcess("deploy-controller", command, Map.of(),
                Path.of("target", "crash-controller.log"));
        controller.awaitHttp200("http://127.0.0.1:" + port + "/q/health/ready", Duration.ofSeconds(90));
    }

    private void killController() {
        controller.kill9(); // SIGKILL: no shutdown hook, no cleanup
        assertEquals(137, controller.exitValue());
    }

    private void awaitStep(String id, String step) {
        controller.await("deploy " + id + " reaches step " + step, Duration.ofSeconds(90), () -> {
            JsonNode deploy = get("/deploys/" + id);
            for (JsonNode s : deploy.get("steps")) {
                if (s.get("step").asText().equals(step)) {
                    return true;
                }
            }
            assertEquals("RUNNING", deploy.get("state").asText(), deploy.toString());
            return false;
        });
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private JsonNode post(String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + ModelStack.TOKEN).timeout(Duration.ofSeconds(30));
    }
}
