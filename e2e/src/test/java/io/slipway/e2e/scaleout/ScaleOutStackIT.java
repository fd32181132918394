package io.slipway.e2e.scaleout;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slipway.e2e.ComposeStack;
import io.slipway.e2e.Http;
import io.slipway.testsupport.Oip;
import io.slipway.testsupport.Part;
import io.slipway.testsupport.Ports;
import io.slipway.testsupport.Processes;
import io.slipway.testsupport.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The scale-out profile as {@code ./slipway up --scale-out} starts it (docker-compose.yml + docker-compose.scale-out.yml),
 * one stack for the class: two mirrors on one s3proxy bucket, two gateway replicas on the Debian-built PostgreSQL
 * behind nginx. An image pushed through mirror A is pulled through mirror B; jobs sent to the front door are accepted
 * by both replicas and run; with one replica killed, the front door still accepts jobs and they still run.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleOutStackIT {

    private static final String POSTGRES_IMAGE = "slipway/postgres-base:bookworm";
    private static final Pattern JOB_POSTS = Pattern.compile(
            "(?m)^http_server_requests_seconds_count\\{([^}]*)\\} (\\S+)$");

    static ComposeStack stack;
    static String password;
    static int registryB;

    @BeforeAll
    static void start() {
        Requirements.require(Part.DOCKER_ENGINE, Part.DOCKER_COMPOSE, Part.SKOPEO);
        Processes.Result base = Processes.exec(30, "docker", "image", "inspect", "--format", "{{.Id}}", POSTGRES_IMAGE);
        assertTrue(base.ok(), POSTGRES_IMAGE + " is missing: build it with scripts/build-base-images.sh");
        password = secret();
        registryB = Ports.freePort();
        stack = ComposeStack.start("scale-out", Map.of(
                "COMPOSE_FILE", "docker-compose.yml:docker-compose.scale-out.yml",
                "SLIPWAY_REGISTRY_B_PORT", Integer.toString(registryB),
                "SLIPWAY_REGISTRY_PASSWORD", password,
                "SLIPWAY_POSTGRES_PASSWORD", secret(),
                "SLIPWAY_MIRROR_TOKEN_KEY", secret(),
                "SLIPWAY_S3_SECRET_KEY", secret()));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private static String secret() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    @Test
    @Order(1)
    void anImagePushedThroughMirrorAIsPulledThroughMirrorB() throws IOException {
        String image = buildImage();
        String repo = "scale/out-" + UUID.randomUUID().toString().substring(0, 6);
        String viaA = "docker://" + stack.registry() + "/" + repo + ":v1";
        String viaB = "docker://127.0.0.1:" + registryB + "/" + repo + ":v1";
        Path layout = Files.createTempDirectory("slipway-e2e-scale-out");
        try {
            Processes.check(300, "skopeo", "copy", "-q", "--dest-tls-verify=false", "--dest-creds",
                    "slipway:" + password, "docker-daemon:" + image, viaA);
            String digestA = Processes.check(60, "skopeo", "inspect", "--tls-verify=false", "--format",
                    "{{.Digest}}", viaA).trim();
            String digestB = Processes.check(60, "skopeo", "inspect", "--tls-verify=false", "--format",
                    "{{.Digest}}", viaB).trim();
            assertEquals(digestA, digestB, "mirror B serves the manifest pushed through mirror A");
            // skopeo verifies every blob it copies against its digest: the layers come out of the shared bucket intact.
            Processes.check(300, "skopeo", "copy", "-q", "--src-tls-verify=false", viaB, "oci:" + layout + ":v1");
            Http.Reply tags = Http.get("http://127.0.0.1:" + registryB + "/v2/" + repo + "/tags/list");
            assertEquals(200, tags.status(), tags.body());
            assertEquals("v1", tags.json().get("tags").get(0).asText());
        } finally {
            Processes.exec(60, "docker", "rmi", "-f", image);
            Processes.exec(60, "rm", "-rf", layout.toString());
        }
    }

    @Test
    @Order(2)
    void jobsThroughTheFrontDoorAreAcceptedByBothReplicas() {
        String a = only("inference-gateway");
        String b = only("inference-gateway-b");
        double beforeA = acceptedJobs(a);
        double beforeB = acceptedJobs(b);
        List<String> ids = submit(0, 24);
        awaitSucceeded(ids, 0);
        double byA = acceptedJobs(a) - beforeA;
        double byB = acceptedJobs(b) - beforeB;
        assertEquals(24.0, byA + byB, "every job was accepted by one of the two replicas");
        assertTrue(byA > 0 && byB > 0, "nginx spread the jobs over both replicas: " + byA + " and " + byB);
    }

    @Test
    @Order(3)
    void withOneReplicaKilledTheFrontDoorStillAcceptsJobs() {
        String b = only("inference-gateway-b");
        stack.docker("kill", b);
        assertEquals("false", stack.inspect(b, "{{.State.Running}}"), "replica b is down");
        List<String> ids = submit(100, 12);
        awaitSucceeded(ids, 100);
    }

    private static String only(String service) {
        List<String> ids = stack.containerIds(service);
        assertEquals(1, ids.size(), service + ": " + ids);
        return ids.get(0);
    }

    /** Jobs {@code first ..}: features (i / 4, 1, -1, 0.5); each must be accepted (202) through the front door. */
    private static List<String> submit(int first, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = first; i < first + count; i++) {
            Http.Reply reply = Http.postJson(stack.frontDoor() + "/jobs",
                    Oip.job("sample-model", Oip.request(new double[][] {{i / 4.0, 1, -1, 0.5}}, 0)));
            assertEquals(202, reply.status(), "job " + i + ": " + reply.body());
            ids.add(reply.json().get("id").asText());
        }
        return ids;
    }

    private static void awaitSucceeded(List<String> ids, int first) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> ids.stream()
                .allMatch(id -> {
                    Http.Reply reply = Http.get(stack.frontDoor() + "/jobs/" + id);
                    return reply.status() == 200 && "succeeded".equals(reply.json().get("status").asText());
                }));
        for (int k = 0; k < ids.size(); k++) {
            int i = first + k;
            Http.Reply result = Http.get(stack.frontDoor() + "/jobs/" + ids.get(k) + "/result");
            assertEquals(200, result.status(), result.body());
            assertEquals(Oip.probability(i / 4.0, 1, -1, 0.5),
                    result.json().get("outputs").get(0).get("data").get(0).asDouble(), 1e-6, "job " + i);
        }
    }

    /** Jobs this replica accepted (202 to POST /jobs), from its own metrics, read inside its container. */
    private static double acceptedJobs(String container) {
        String metrics = stack.exec(container, "wget", "-q", "-O", "-", "http://localhost:8080/q/metrics");
        double sum = 0;
        Matcher m = JOB_POSTS.matcher(metrics);
        while (m.find()) {
            String labels = m.group(1);
            if (labels.contains("method=\"POST\"") && labels.contains("uri=\"/jobs\"")
                    && labels.contains("status=\"202\"")) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }

    /** A two-layer image built locally (FROM scratch, random content): nothing comes from a registry. */
    private static String buildImage() throws IOException {
        String tag = "slipway-e2e-scale-out-" + UUID.randomUUID().toString().substring(0, 8) + ":v1";
        Path dir = Files.createTempDirectory("slipway-e2e-scale-out-build");
        try {
            Random random = new Random();
            StringBuilder dockerfile = new StringBuilder("FROM scratch\n");
            for (int i = 0; i < 2; i++) {
                byte[] content = new byte[3 * 1024 * 1024];
                random.nextBytes(content);
                Files.write(dir.resolve("layer" + i + ".bin"), content);
                dockerfile.append("COPY layer").append(i).append(".bin /layer").append(i).append(".bin\n");
            }
            Files.writeString(dir.resolve("Dockerfile"), dockerfile);
            Processes.Result r = Processes.exec(300, Map.of("DOCKER_BUILDKIT", "0"), null,
                    "docker", "build", "-q", "-t", tag, dir.toString());
            assertTrue(r.ok(), "docker build failed: " + r.output());
            return tag;
        } finally {
            Processes.exec(60, "rm", "-rf", dir.toString());
        }
    }
}
