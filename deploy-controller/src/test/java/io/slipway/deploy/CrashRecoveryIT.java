package io.slipway.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slipway.deploy.testing.DockerCli;
import io.slipway.deploy.testing.ModelStack;
import io.slipway.deploy.testing.TrafficProbe;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Crash safety, proven with kill -9: the packaged controller runs as a child process, is killed (SIGKILL) in the middle
 * of a deploy and started again; it must reconcile to exactly one live, healthy color while traffic through nginx
 * never fails.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrashRecoveryIT {

    private static final ModelStack STACK = new ModelStack();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Map<String, String> config;
    private Process controller;
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
            controller.destroyForcibly();
        }
    }

    @Test
    @Order(1)
    void killedWhileTheNewColorStartsRollsBackOnRestart() throws Exception {
        startController();
        try (TrafficProbe traffic = new TrafficProbe(ModelStack.nginxUrl())) {
            String id = post("/deploy", "{\"service\":\"sample-model\",\"image\":\"" + io.slipway.deploy.testing.ModelStack.SAMPLE_MODEL + "\","
                    + "\"env\":{\"SAMPLE_MODEL_VERSION\":\"2\",\"SAMPLE_MODEL_STARTUP_DELAY\":\"60s\"}}").get("id").asText();
            awaitStep(id, "health");
            killController();
            assertEquals(2, colors().size(), "the half-made color exists while the controller is down");

            startController();
            JsonNode deploy = get("/deploys/" + id);
            assertEquals("FAILED", deploy.get("state").asText());
            assertTrue(deploy.get("reason").asText().contains("rolled back to none"), deploy.toString());
            assertEquals(List.of("none"), colors());
            traffic.close();
            assertEquals(0, traffic.non2xx() + traffic.errors(), traffic.toString());
            assertEquals(Map.of("1", traffic.answered()), traffic.versions());
        }
    }

    @Test
    @Order(2)
    void killedWhileDrainingAfterTheSwitchCompletesOnRestart() throws Exception {
        startController();
        try (TrafficProbe traffic = new TrafficProbe(ModelStack.nginxUrl())) {
            // A slow request on the old color keeps the old nginx workers busy, so the deploy waits in "drain".
            CompletableFuture<HttpResponse<String>> slow = HTTP.sendAsync(HttpRequest.newBuilder(URI.create(
                    ModelStack.nginxUrl() + "/models/sample-model/v2/models/sample-model/infer"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            TrafficProbe.BODY.replace("}]}", "}],\"parameters\":{\"latency_ms\":20000}}")))
                    .build(), HttpResponse.BodyHandlers.ofString());
            Thread.sleep(500);
            String id = post("/deploy", "{\"service\":\"sample-model\",\"image\":\"" + io.slipway.deploy.testing.ModelStack.SAMPLE_MODEL + "\","
                    + "\"drainTimeout\":\"60s\",\"env\":{\"SAMPLE_MODEL_VERSION\":\"3\"}}").get("id").asText();
            awaitStep(id, "drain");
            killController();
            assertEquals(2, colors().size(), "both colors exist while the controller is down");

            startController();
            JsonNode deploy = get("/deploys/" + id);
            assertEquals("SUCCEEDED", deploy.get("state").asText(), deploy.toString());
            assertEquals(List.of("blue"), colors());
            assertEquals("blue", get("/services").get(0).get("color").asText());
            traffic.close();
            assertEquals(0, traffic.non2xx() + traffic.errors(), traffic.toString());
            assertTrue(traffic.versions().getOrDefault("3", 0) > 0, traffic.toString());
            // The request that was running on the old color during all this was answered by it.
            HttpResponse<String> slowAnswer = slow.get();
            assertEquals(200, slowAnswer.statusCode(), slowAnswer.body());
            assertTrue(slowAnswer.body().contains("\"model_version\":\"1\""), slowAnswer.body());
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

    private void startController() throws Exception {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        assertTrue(Files.exists(jar), "run `mvn package` first: " + jar.toAbsolutePath());
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Dquarkus.http.port=" + port, "-Dquarkus.http.host=127.0.0.1"));
        config.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", jar.toString()));
        controller = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of("target", "crash-controller.log").toFile()))
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                        .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            assertTrue(controller.isAlive(), "controller exited; see target/crash-controller.log");
            Thread.sleep(200);
        }
        throw new AssertionError("controller not ready; see target/crash-controller.log");
    }

    private void killController() throws InterruptedException {
        controller.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no cleanup
        controller.waitFor();
        assertEquals(137, controller.exitValue());
    }

    private void awaitStep(String id, String step) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode deploy = get("/deploys/" + id);
            for (JsonNode s : deploy.get("steps")) {
                if (s.get("step").asText().equals(step)) {
                    return;
                }
            }
            assertEquals("RUNNING", deploy.get("state").asText(), deploy.toString());
            Thread.sleep(100);
        }
        throw new AssertionError("deploy " + id + " never reached step " + step);
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
