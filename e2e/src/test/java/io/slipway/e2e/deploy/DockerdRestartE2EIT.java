package io.slipway.e2e.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.slipway.e2e.ComposeStack;
import io.slipway.e2e.Http;
import io.slipway.testsupport.LoadGenerator;
import io.slipway.testsupport.Oip;
import io.slipway.e2e.PrivateDockerd;
import io.slipway.testsupport.Oip;
import io.slipway.testsupport.Ports;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A restart of dockerd itself (what a host reboot does to the stack), on a private engine so the machine's shared one
 * is never restarted: after a deploy of v2 the engine stops every container and starts again; the stack comes back by
 * itself on v2, the model's definition container is never started by the engine, nothing is wiped.
 */
class DockerdRestartE2EIT {

    private static final String TOKEN = "e2e-dockerd-token";
    private static final String TAG = System.getenv().getOrDefault("SLIPWAY_TAG", "latest");
    private static final String IMAGE = System.getenv().getOrDefault("SAMPLE_MODEL_IMAGE",
            "slipway/sample-model:" + TAG);
    private static final String MODEL = "/models/sample-model/v2/models/sample-model/infer";
    private static PrivateDockerd engine;
    private static ComposeStack stack;

    @BeforeAll
    static void up() {
        engine = PrivateDockerd.start();
        engine.loadImages(List.of(IMAGE, "slipway/inference-gateway:" + TAG, "slipway/mirror-service:" + TAG,
                "slipway/deploy-controller:" + TAG, "slipway/nginx-base:bookworm"));
        Map<String, String> ports = new java.util.HashMap<>();
        for (String variable : List.of("SLIPWAY_PORT", "SLIPWAY_REGISTRY_PORT", "SLIPWAY_DEPLOY_PORT")) {
            int port = Ports.freePort();
            engine.forward(port);
            ports.put(variable, String.valueOf(port));
        }
        stack = ComposeStack.start("dockerd", Map.of(
                "SLIPWAY_PORT", ports.get("SLIPWAY_PORT"),
                "SLIPWAY_REGISTRY_PORT", ports.get("SLIPWAY_REGISTRY_PORT"),
                "SLIPWAY_DEPLOY_PORT", ports.get("SLIPWAY_DEPLOY_PORT"),
                "SLIPWAY_DEPLOY_TOKEN", TOKEN,
                "DOCKER_HOST", engine.host(),
                "DOCKER_GID", gidOf(engine),
                "COMPOSE_FILE", ComposeStack.repositoryRoot().resolve("docker-compose.yml") + ":"
                        + engine.composeOverride()));
    }

    @AfterAll
    static void down() {
        try {
            if (stack != null) {
                stack.close();
            }
        } finally {
            if (engine != null) {
                engine.close();
            }
        }
    }

    @Test
    void theStackComesBackOnTheDeployedVersionAfterTheEngineRestarts() {
        Http.Reply deploy = api("POST", "/deploy?wait=true", "{\"service\":\"sample-model\",\"image\":\"" + IMAGE
                + "\",\"drainTimeout\":\"2s\",\"env\":{\"SAMPLE_MODEL_VERSION\":\"2\"}}");
        assertEquals(200, deploy.status(), deploy.body());
        assertEquals("2", awaitVersion());
        String color = stack.containerIds("sample-model").get(0);

        long start = System.nanoTime();
        engine.restart();
        assertEquals("2", awaitVersion(), "the deployed version serves again, by itself");
        System.out.println("dockerd restart: v2 answers through the front door "
                + Duration.ofNanos(System.nanoTime() - start).toSeconds() + " s after the engine stopped");
        assertEquals(List.of(color), stack.containerIds("sample-model"),
                "the engine restarted the deployed container (restart policy); nothing else was started");
        String definition = stack.docker("ps", "-aq", "--filter", "status=created", "--filter",
                "label=com.docker.compose.project=" + stack.project(), "--filter",
                "label=com.docker.compose.service=sample-model").strip();
        assertEquals("created", stack.inspect(definition, "{{.State.Status}}"),
                "the engine never starts the model's definition container");
        stack.awaitHealthy();
    }

    private static String awaitVersion() {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                Http.Reply r = Http.postJson(stack.frontDoor() + MODEL, Oip.ONE_ROW);
                if (r.status() == 200) {
                    return r.json().get("model_version").asText();
                }
                last = r.status() + " " + r.body();
            } catch (RuntimeException e) {
                last = e.toString();
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("the model did not answer within 3 min: " + last + "\n" + stack.logs() + "\n"
                + engine.log().lines().skip(Math.max(0, engine.log().lines().count() - 40))
                .reduce("", (a, b) -> a + b + "\n"));
    }

    private static String gidOf(PrivateDockerd engine) {
        try {
            return String.valueOf(java.nio.file.Files.getAttribute(engine.socket(), "unix:gid"));
        } catch (java.io.IOException e) {
            return "0";
        }
    }

    private static Http.Reply api(String method, String path, String json) {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(stack.deployController() + path))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json");
        return Http.send(json == null ? r.method(method, HttpRequest.BodyPublishers.noBody())
                : r.method(method, HttpRequest.BodyPublishers.ofString(json)));
    }
}
