package io.slipway.e2e.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.slipway.testsupport.Await;
import io.slipway.testsupport.Part;
import io.slipway.testsupport.Processes;
import io.slipway.testsupport.Repository;
import io.slipway.testsupport.Requirements;
import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The healthchecks of {@code docker-compose.yml} work in the images they run in: the fast base has no curl, so they
 * speak HTTP with busybox's {@code wget}, and with curl only where an image has no wget (the {@code -Pjdk17} base). A
 * ready service turns healthy in the engine's eyes; a dead port or a non-2xx answer fails the check.
 */
class HealthcheckIT {

    private static final String TAG = System.getenv().getOrDefault("SLIPWAY_TAG", "latest");
    private static final String JDK17_BASE = "slipway/jre17-base:bookworm";
    private static JsonNode services;

    @BeforeAll
    static void composeFile() throws IOException {
        Requirements.require(Part.DOCKER_ENGINE);
        services = new YAMLMapper().readTree(Repository.path("docker-compose.yml").toFile()).get("services");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sample-model", "mirror-service", "deploy-controller", "inference-gateway"})
    void healthcheckFailsWhereNothingListens(String service) {
        // A container that runs only the check: nothing listens on the service's port.
        Processes.Result check = Processes.exec(60, "docker", "run", "--rm", "--network", "none",
                "--entrypoint", "sh", image(service), "-c", healthcheck(service));

        assertFalse(check.ok(), check.describe());
        assertTrue(check.output().contains("wget: can't connect"), "not busybox's wget:\n" + check.describe());
    }

    @Test
    void imageWithoutWgetChecksWithCurl() {
        Processes.Result check = Processes.exec(60, "docker", "run", "--rm", "--network", "none", JDK17_BASE,
                "sh", "-c", "! command -v wget && " + healthcheck("mirror-service"));

        assertEquals(7, check.exit(), "curl's 'could not connect':\n" + check.describe());
    }

    @Test
    void readyModelTurnsHealthyAndAnErrorAnswerFailsTheCheck() {
        String name = "slipway-health-it-" + UUID.randomUUID().toString().substring(0, 8);
        String command = healthcheck("sample-model");
        try {
            Processes.check(60, "docker", "run", "-d", "--name", name, "--network", "none", "--health-cmd", command,
                    "--health-interval", "1s", "--health-timeout", "3s", "--health-retries", "3",
                    "--health-start-period", "120s",
                    image("sample-model"));
            Await.until(name + " healthy", Duration.ofSeconds(120),
                    () -> health(name).equals("healthy"),
                    () -> health(name).equals("unhealthy") || !running(name),
                    () -> Processes.exec(30, "docker", "inspect", "--format", "{{json .State}}", name).output());

            String missing = command.replace("/v2/health/ready", "/v2/health/not-here");
            assertTrue(missing.contains("not-here"), command);
            Processes.Result check = Processes.exec(60, "docker", "exec", name, "sh", "-c", missing);
            assertFalse(check.ok(), check.describe());
            assertTrue(check.output().contains("404"), check.describe());
        } finally {
            Processes.exec(60, "docker", "rm", "-f", name);
        }
    }

    private static String image(String service) {
        return "slipway/" + service + ":" + TAG;
    }

    /** The shell command of a service's compose healthcheck ({@code ["CMD-SHELL", command]}). */
    private static String healthcheck(String service) {
        JsonNode test = services.path(service).path("healthcheck").path("test");
        assertEquals("CMD-SHELL", test.path(0).asText(), service + " healthcheck: " + test);
        return test.path(1).asText();
    }

    private static String health(String container) {
        return Processes.exec(30, "docker", "inspect", "--format", "{{.State.Health.Status}}", container)
                .output().trim();
    }

    private static boolean running(String container) {
        return Processes.exec(30, "docker", "inspect", "--format", "{{.State.Running}}", container)
                .output().trim().equals("true");
    }
}
