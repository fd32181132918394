package io.slipway.e2e.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.slipway.e2e.ComposeStack;
import io.slipway.e2e.Http;
import io.slipway.e2e.MirrorUpstream;
import io.slipway.testsupport.Await;
import io.slipway.testsupport.LoadGenerator;
import io.slipway.testsupport.Oip;
import io.slipway.testsupport.Ports;
import io.slipway.testsupport.Processes;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * deploy-controller in the compose stack (its own private stack: the deploys change the model version): CI's one call,
 * the switch seen by {@code GET /services} and by requests through nginx, and zero downtime under ~200 req/s of
 * keep-alive load with 2 s requests during 10 consecutive deploys, next to the naive `nginx -s reload` baseline
 * measured under the same load in the same run.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeployE2EIT {

    private static final String TOKEN = "e2e-deploy-token";
    private static final String IMAGE = System.getenv().getOrDefault("SAMPLE_MODEL_IMAGE",
            "slipway/sample-model:" + System.getenv().getOrDefault("SLIPWAY_TAG", "latest"));
    private static final int SWAPS = 10;
    private static final String REGISTRY_PASSWORD = "e2e-registry-password";
    /** The registry name deploy-controller knows the stack's upstream registry by (mirror prefix {@code up}). */
    private static final String UPSTREAM = "upstream.example:5000";
    private static final List<String> IMAGES_MADE = new ArrayList<>();
    private static ComposeStack stack;
    private static int upstreamPort;

    @BeforeAll
    static void up() {
        // With a second model service declared only in a compose override (e2e/src/test/resources/second-model.yml),
        // and an upstream registry for the mirror (mirror-upstream.yml).
        String upstreamImage = MirrorUpstream.buildRegistryImage();
        IMAGES_MADE.add(upstreamImage);
        upstreamPort = Ports.freePort();
        Path root = ComposeStack.repositoryRoot();
        stack = ComposeStack.start("deploy", Map.of("SLIPWAY_DEPLOY_TOKEN", TOKEN,
                "SLIPWAY_REGISTRY_PASSWORD", REGISTRY_PASSWORD,
                "SLIPWAY_DEPLOY_MIRROR_UPSTREAMS", UPSTREAM + "=up",
                "SLIPWAY_E2E_UPSTREAM_IMAGE", upstreamImage,
                "SLIPWAY_E2E_UPSTREAM_PORT", Integer.toString(upstreamPort),
                "COMPOSE_FILE", root.resolve("docker-compose.yml") + ":"
                        + root.resolve("e2e/src/test/resources/second-model.yml") + ":"
                        + root.resolve("e2e/src/test/resources/mirror-upstream.yml")));
    }

    @AfterAll
    static void down() {
        try {
            if (stack != null) {
                stack.close();
            }
        } finally {
            MirrorUpstream.remove(IMAGES_MADE.toArray(String[]::new));
        }
    }

    private static Http.Reply api(String method, String path, String json) {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(stack.deployController() + path))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json");
        return Http.send(json == null ? r.method(method, HttpRequest.BodyPublishers.noBody())
                : r.method(method, HttpRequest.BodyPublishers.ofString(json)));
    }

    private static JsonNode deployVersion(String version) {
        return deploy(IMAGE, version);
    }

    private static Http.Reply tryDeploy(String image, String version) {
        return api("POST", "/deploy?wait=true", "{\"service\":\"sample-model\",\"image\":\"" + image
                + "\",\"drainTimeout\":\"10s\",\"env\":{\"SAMPLE_MODEL_VERSION\":\"" + version + "\"}}");
    }

    private static JsonNode deploy(String image, String version) {
        Http.Reply reply = tryDeploy(image, version);
        assertEquals(200, reply.status(), reply.body());
        return reply.json();
    }

    /** The deploy's log, one "step: message" per line. */
    private static String steps(JsonNode deploy) {
        StringBuilder b = new StringBuilder();
        deploy.get("steps").forEach(st -> b.append(st.get("step").asText()).append(": ")
                .append(st.get("message").asText()).append('\n'));
        return b.toString();
    }

    /** A variant of the sample model (its own digest), remembered for removal. */
    private static String variant() {
        String v = MirrorUpstream.variant(IMAGE);
        IMAGES_MADE.add(v);
        // By id too: pulled through the mirror it keeps the mirror's repo digest after its names are gone.
        IMAGES_MADE.add(MirrorUpstream.imageId(v));
        return v;
    }

    /** Every container of a compose service, running or not. */
    private static List<String> allContainers(String service) {
        return stack.docker("ps", "-aq", "--no-trunc", "--filter", "label=com.docker.compose.project=" + stack.project(),
                "--filter", "label=com.docker.compose.service=" + service).lines().filter(l -> !l.isBlank()).sorted()
                .toList();
    }

    private static String versionThroughNginx() {
        Http.Reply r = Http.postJson(stack.frontDoor() + "/models/sample-model/v2/models/sample-model/infer",
                Oip.ONE_ROW);
        assertEquals(200, r.status(), r.body());
        return r.json().get("model_version").asText();
    }

    @Test
    @Order(1)
    void deploysV2OverV1AndBack() {
        assertEquals(401, Http.get(stack.deployController() + "/services").status());
        // The reconciler started the compose definition's version (v1) as the first color when the stack came up.
        JsonNode first = api("GET", "/services", null).json().get(0);
        assertEquals("blue", first.get("color").asText(), first.toString());
        assertEquals("start", first.get("lastRepair").get("kind").asText(), first.toString());
        assertEquals("1", versionThroughNginx());

        JsonNode v2 = deployVersion("2");
        assertEquals("SUCCEEDED", v2.get("state").asText());
        // Ready the moment the model is: the controller's own probe, not the healthcheck's next 5 s tick.
        assertTrue(v2.get("steps").toString().contains("/v2/health/ready answered 200"), v2.toString());
        assertEquals(List.of("prepare", "create", "ready", "switch", "verify", "drain", "stop"),
                v2.get("phases").findValuesAsText("name"), v2.toString());
        JsonNode services = api("GET", "/services", null).json();
        assertEquals(v2.get("color").asText(), services.get(0).get("color").asText());
        assertEquals(IMAGE, services.get(0).get("image").asText());
        assertEquals("2", versionThroughNginx());
        // docker-compose still sees the service: the new container carries the project's compose labels.
        assertTrue(stack.compose("ps", "sample-model").contains("sample-model_" + v2.get("color").asText()),
                stack.compose("ps"));
        // A later `docker-compose up -d` leaves the deployed version alone: the model service is in profile "models"
        // and the color is a one-off container of it, which compose's `up` never touches.
        stack.compose("up", "-d", "--no-build");
        assertEquals("2", versionThroughNginx());
        assertEquals(v2.get("color").asText(), api("GET", "/services", null).json().get(0).get("color").asText());
        assertEquals(1, stack.containerIds("sample-model").size());

        Http.Reply back = api("POST", "/services/sample-model/rollback?wait=true", null);
        assertEquals(200, back.status(), back.body());
        assertEquals("1", versionThroughNginx());
        assertEquals(back.json().get("color").asText(),
                api("GET", "/services", null).json().get(0).get("color").asText());
    }

    @Test
    @Order(2)
    void tenDeploysUnderKeepAliveLoadDropNothingUnlikeNaiveReloads() throws Exception {
        // Baseline, same stack and load: what a plain `nginx -s reload` of the front door does to keep-alive clients.
        LoadResult naive = underLoad(() -> {
            for (int i = 0; i < SWAPS * 2; i++) {
                stack.compose("exec", "-T", "nginx", "nginx", "-s", "reload");
                sleep(Duration.ofSeconds(1));
            }
        });
        List<Long> swapMillis = new ArrayList<>();
        LoadResult slipway = underLoad(() -> {
            for (int i = 0; i < SWAPS; i++) {
                JsonNode deploy = deployVersion(String.valueOf(10 + i));
                swapMillis.add(swapMillis(deploy));
            }
        });
        String report = "naive front reloads (" + SWAPS * 2 + "): direct " + naive.direct + " | gateway "
                + naive.gateway + "\nslipway deploys (" + SWAPS + "): direct " + slipway.direct + " | gateway "
                + slipway.gateway + "\nswap ms (healthy -> verified): " + swapMillis;
        if (slipway.direct.failures() + slipway.gateway.failures() > 0) {
            report += "\n" + frontDoorState();
        }
        System.out.println(report);
        assertEquals(0, slipway.gateway.failures(), report);
        assertEquals(0, slipway.direct.failures(), report);
        assertTrue(slipway.direct.ok() > 1000 && slipway.gateway.ok() > 1000, report);
        assertTrue(slipway.direct.versions().size() >= SWAPS, "traffic saw every deployed version: " + report);
        assertEquals(String.valueOf(10 + SWAPS - 1), versionThroughNginx());
    }

    @Test
    @Order(3)
    void aSecondModelServiceDeclaredInOneComposeBlockServesBothNamesAndDeploys() {
        // Nothing but its compose block names it: the controller found it, started it and published its model names,
        // and the gateway routes both names to it.
        String sampleModelVersion = versionThroughNginx();
        JsonNode services = api("GET", "/services", null).json();
        assertEquals(List.of("sample-model", "two-models"),
                List.of(services.get(0).get("name").asText(), services.get(1).get("name").asText()),
                services.toString());
        Await.until("the gateway knows resnet-lite and bert-lite", Duration.ofMinutes(2), () ->
                Http.postJson(stack.frontDoor() + "/v2/models/resnet-lite/infer", Oip.ONE_ROW).status() == 200
                        && Http.postJson(stack.frontDoor() + "/v2/models/bert-lite/infer", Oip.ONE_ROW).status() == 200);
        Http.Reply sync = Http.postJson(stack.frontDoor() + "/v2/models/bert-lite/versions/1/infer", Oip.ONE_ROW);
        assertEquals(200, sync.status(), sync.body());
        assertEquals("bert-lite", sync.json().get("model_name").asText());
        JsonNode index = Http.get(stack.frontDoor() + "/v2/repository/index").json();
        assertTrue(index.toString().contains("{\"name\":\"resnet-lite\",\"service\":\"two-models\",\"state\":\"READY\"}"),
                index.toString());

        Http.Reply accepted = Http.postJson(stack.frontDoor() + "/jobs", Oip.job("resnet-lite", Oip.ONE_ROW));
        assertEquals(202, accepted.status(), accepted.body());
        String job = accepted.json().get("id").asText();
        Await.until("job " + job + " succeeded", Duration.ofSeconds(60), () ->
                "succeeded".equals(Http.get(stack.frontDoor() + "/jobs/" + job).json().get("status").asText()));
        Http.Reply result = Http.get(stack.frontDoor() + "/jobs/" + job + "/result");
        assertEquals("resnet-lite", result.json().get("model_name").asText(), result.body());

        Http.Reply deploy = api("POST", "/deploy?wait=true", "{\"service\":\"two-models\",\"image\":\"" + IMAGE
                + "\",\"replicas\":2,\"drainTimeout\":\"5s\",\"env\":{\"SAMPLE_MODEL_VERSION\":\"7\"}}");
        assertEquals(200, deploy.status(), deploy.body());
        assertEquals("SUCCEEDED", deploy.json().get("state").asText(), deploy.body());
        for (String model : List.of("resnet-lite", "bert-lite")) {
            Http.Reply after = Http.postJson(stack.frontDoor() + "/v2/models/" + model + "/infer", Oip.ONE_ROW);
            assertEquals(200, after.status(), after.body());
            assertEquals("7", after.json().get("model_version").asText(), after.body());
        }
        assertEquals(sampleModelVersion, versionThroughNginx(), "the other model service is untouched");

        // Replicas last: a later `docker-compose up -d` keeps both, and nginx spreads requests over them.
        stack.compose("up", "-d", "--no-build");
        List<String> replicas = stack.docker("ps", "-q", "--filter", "label=com.docker.compose.project=" + stack.project(),
                "--filter", "label=com.docker.compose.service=two-models", "--filter", "label=slipway.color")
                .lines().filter(l -> !l.isBlank()).toList();
        assertEquals(2, replicas.size(), stack.compose("ps"));
        for (int i = 0; i < 40; i++) {
            assertEquals(200, Http.postJson(stack.frontDoor() + "/v2/models/resnet-lite/infer", Oip.ONE_ROW).status());
        }
        for (String replica : replicas) {
            String metrics = stack.exec(replica, "wget", "-q", "-O", "-", "http://localhost:9000/q/metrics");
            double served = metrics.lines().filter(l -> l.startsWith("sample_model_inferences_total"))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
            assertTrue(served >= 5, () -> "replica " + replica + " served " + served + " of 40+ requests; nginx runs:\n"
                    + stack.exec(stack.containerIds("nginx").get(0), "cat",
                    "/etc/nginx/slipway/live/upstreams/two-models.conf") + "repairs: "
                    + api("GET", "/services", null).body());
        }
    }

    @Test
    @Order(4)
    void aStopFirstDeployHoldsRequestsUntilTheNewVersionAnswersThemAndStopsTheOldOneFirst() throws Exception {
        // two-models is labelled io.slipway.strategy: stop-first and takes 3 s to load (second-model.yml).
        JsonNode before = api("GET", "/services", null).json().get(1);
        assertEquals("two-models", before.get("name").asText());
        List<String> oldNames = before.get("containers").findValuesAsText("name");
        String since = stack.docker("info", "--format", "{{.SystemTime}}").trim();
        LoadGenerator load = new LoadGenerator(stack.frontDoor() + "/models/two-models/v2/models/resnet-lite/infer",
                100, 20, Duration.ofMinutes(3));
        JsonNode deploy;
        try {
            sleep(Duration.ofSeconds(2));
            Http.Reply reply = api("POST", "/deploy?wait=true", "{\"service\":\"two-models\",\"image\":\"" + IMAGE
                    + "\",\"drainTimeout\":\"10s\",\"env\":{\"SAMPLE_MODEL_VERSION\":\"8\"}}");
            assertEquals(200, reply.status(), reply.body());
            deploy = reply.json();
            sleep(Duration.ofSeconds(3));
        } finally {
            load.close();
        }
        String until = stack.docker("info", "--format", "{{.SystemTime}}").trim();
        String report = "stop-first under load: " + load + "\ndeploy: " + deploy
                + (load.failures() > 0 ? "\n" + frontDoorState() : "");
        assertEquals("SUCCEEDED", deploy.get("state").asText(), report);
        assertEquals(0, load.failures(), report);
        assertTrue(load.ok() > 500, report);
        assertTrue(load.versions().containsKey("8"), report);
        assertEquals(List.of("prepare", "hold", "drain", "stop", "create", "ready", "release", "switch", "verify",
                "unhold", "remove"), deploy.get("phases").findValuesAsText("name"), report);
        // Requests arrived while nothing served: they were held and went to the new version (none failed).
        String unhold = "";
        for (JsonNode step : deploy.get("steps")) {
            if (step.get("step").asText().equals("unhold")) {
                unhold = step.get("message").asText();
            }
        }
        int held = Integer.parseInt(unhold.replaceAll("^(\\d+) held.*", "$1"));
        assertTrue(held > 0 && unhold.endsWith(", 0 timed out"), unhold);
        assertEquals("8", Http.postJson(stack.frontDoor() + "/v2/models/bert-lite/infer", Oip.ONE_ROW).json()
                .get("model_version").asText());

        // The engine's own record: every old container stopped before the first new one was created.
        List<String> events = stack.docker("events", "--since", since, "--until", until,
                "--filter", "label=com.docker.compose.project=" + stack.project(),
                "--filter", "label=com.docker.compose.service=two-models",
                "--format", "{{.Action}} {{.Actor.Attributes.name}}").lines().toList();
        String newColor = deploy.get("color").asText();
        int firstCreate = -1;
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).startsWith("create ") && events.get(i).contains("_" + newColor + "_")) {
                firstCreate = i;
                break;
            }
        }
        assertTrue(firstCreate > 0, "no create of the new color in " + events);
        for (String old : oldNames) {
            int stopped = events.indexOf("die " + old);
            assertTrue(stopped >= 0 && stopped < firstCreate, old + " stopped before the new color was created: "
                    + events);
        }
    }

    /**
     * For a failed load check: the stack's containers, the nginx container's state and last log lines, and the
     * engine's proxy process for the front door's published port (gone: the port no longer takes connections).
     */
    private static String frontDoorState() {
        StringBuilder b = new StringBuilder("front door ").append(stack.frontDoor()).append('\n');
        try {
            b.append(stack.compose("ps")).append('\n');
            String nginx = allContainers("nginx").stream().findFirst().orElse("");
            if (!nginx.isEmpty()) {
                b.append("nginx: ").append(stack.inspect(nginx, "{{.State.Status}} restarts={{.RestartCount}} "
                        + "exit={{.State.ExitCode}} oom={{.State.OOMKilled}} started={{.State.StartedAt}}")).append('\n');
                b.append(stack.docker("logs", "--tail", "40", nginx)).append('\n');
            }
        } catch (RuntimeException | AssertionError e) {
            b.append("(no container state: ").append(e.getMessage()).append(")\n");
        }
        String port = stack.frontDoor().substring(stack.frontDoor().lastIndexOf(':') + 1);
        b.append("docker-proxy for ").append(port).append(": ")
                .append(Processes.exec(10, "pgrep", "-af", "docker-proxy.*-host-port " + port + " ").output());
        return b.toString();
    }

    private static long swapMillis(JsonNode deploy) {
        java.time.Instant healthy = null;
        for (JsonNode step : deploy.get("steps")) {
            java.time.Instant at = java.time.Instant.parse(step.get("at").asText());
            if (step.get("step").asText().equals("healthy")) {
                healthy = at;
            }
            if (step.get("step").asText().equals("verified") && healthy != null) {
                return Duration.between(healthy, at).toMillis();
            }
        }
        throw new AssertionError("no healthy/verified steps: " + deploy);
    }

    private record LoadResult(LoadGenerator direct, LoadGenerator gateway) {}

    /** ~200 req/s in all (half straight to the model through nginx, half via the gateway), 1 in 20 taking 2 s. */
    private static LoadResult underLoad(Runnable work) throws Exception {
        LoadGenerator direct = new LoadGenerator(stack.frontDoor()
                + "/models/sample-model/v2/models/sample-model/infer", 100, 20, Duration.ofMinutes(4));
        LoadGenerator gateway = new LoadGenerator(stack.frontDoor() + "/v2/models/sample-model/infer", 100, 20,
                Duration.ofMinutes(4));
        try {
            sleep(Duration.ofSeconds(2));
            work.run();
            sleep(Duration.ofSeconds(3));
        } finally {
            direct.close();
            gateway.close();
        }
        return new LoadResult(direct, gateway);
    }

    @Test
    @Order(4)
    void aNewImagePushedUnderTheSameTagToTheMirrorIsWhatTheNextDeployRuns() {
        String ref = stack.registry() + "/models/sample-model:latest";
        IMAGES_MADE.add(ref);
        String a = variant();
        MirrorUpstream.push(a, ref, "slipway:" + REGISTRY_PASSWORD);
        // The mirror of this stack refuses anonymous pulls (mirror-upstream.yml): the engine must log in to pull.
        assertFalse(Processes.exec(60, "skopeo", "inspect", "--tls-verify=false", "docker://" + ref).ok());
        JsonNode first = deploy(ref, "3");
        String digestA = MirrorUpstream.digest(ref, "slipway:" + REGISTRY_PASSWORD);
        assertEquals(digestA, first.get("target").get("digest").asText(), first.toString());
        assertEquals(digestA, api("GET", "/services", null).json().get(0).get("digest").asText());
        assertTrue(steps(first).contains("prefetch: mirror has models/sample-model:latest at " + digestA),
                steps(first));
        assertTrue(steps(first).contains("pull: pulled " + ref + ": "), steps(first));

        // CI pushes a new build under the same tag; the engine still has the old one under that name.
        String b = variant();
        MirrorUpstream.push(b, ref, "slipway:" + REGISTRY_PASSWORD);
        String digestB = MirrorUpstream.digest(ref, "slipway:" + REGISTRY_PASSWORD);
        assertNotEquals(digestA, digestB);
        JsonNode second = deploy(ref, "4");
        assertEquals(digestB, second.get("target").get("digest").asText(), second.toString());
        JsonNode service = api("GET", "/services", null).json().get(0);
        assertEquals(digestB, service.get("digest").asText(), service.toString());
        assertEquals(MirrorUpstream.imageId(b), service.get("imageId").asText());
        assertEquals("4", versionThroughNginx());
    }

    @Test
    @Order(5)
    void anImageNobodyHasFailsBeforeAnythingIsTouched() {
        List<String> before = allContainers("sample-model");
        String version = versionThroughNginx();
        Http.Reply reply = tryDeploy(stack.registry() + "/models/nobody-has-this:1", "9");
        assertEquals(502, reply.status(), reply.body());
        JsonNode failed = reply.json().get("deploy");
        assertEquals("FAILED", failed.get("state").asText(), reply.body());
        assertTrue(reply.json().get("detail").asText().contains("neither the mirror nor its upstream has "
                + "models/nobody-has-this:1"), reply.body());
        assertFalse(steps(failed).contains("inspect:"), steps(failed)); // it stopped before even reading the service
        assertEquals(before, allContainers("sample-model"));
        assertEquals(version, versionThroughNginx());
    }

    @Test
    @Order(6)
    void anImageTheMirrorCachedStillDeploysWhileItsUpstreamIsDown() {
        String upstreamRef = UPSTREAM + "/models/sample-model:v1";
        IMAGES_MADE.addAll(List.of(upstreamRef, stack.registry() + "/up/models/sample-model:v1"));
        MirrorUpstream.push(variant(), "127.0.0.1:" + upstreamPort + "/models/sample-model:v1", null);
        JsonNode cached = deploy(upstreamRef, "5");
        assertTrue(steps(cached).contains("prefetch: mirror has up/models/sample-model:v1"), steps(cached));
        assertEquals("5", versionThroughNginx());

        stack.compose("stop", "upstream-registry");
        // Off the engine's names, so the next deploy must get the image from the mirror again.
        MirrorUpstream.remove(upstreamRef, stack.registry() + "/up/models/sample-model:v1");
        JsonNode again = deploy(upstreamRef, "6");
        assertEquals("SUCCEEDED", again.get("state").asText());
        assertTrue(steps(again).contains("pull: pulled " + stack.registry() + "/up/models/sample-model:v1"),
                steps(again));
        assertEquals("6", versionThroughNginx());
        // The mirror did ask the upstream (the tag's 1 s TTL had passed) and served its cached copy.
        assertTrue(Http.get("http://" + stack.registry() + "/q/metrics").body()
                .contains("mirror_stale_served_total{kind=\"manifest\"}"));
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
