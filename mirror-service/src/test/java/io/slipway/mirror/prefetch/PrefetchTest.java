package io.slipway.mirror.prefetch;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.slipway.mirror.proxy.UpstreamsResource;
import io.slipway.mirror.registry.Digest;
import io.slipway.mirror.support.RegistryHttp;
import io.slipway.testsupport.Await;
import io.slipway.testsupport.Part;
import io.slipway.testsupport.Processes;
import io.slipway.testsupport.Requirements;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /prefetch} against real upstreams (Debian's docker-registry): after a prefetch, pulls need nothing
 * from the upstream, only the platform asked for is fetched, a second prefetch fetches nothing, an unknown image
 * fails with the OCI error naming it, a cached image still prefetches with its upstream down, and the configured
 * list is warmed by the schedule.
 */
@QuarkusTest
@QuarkusTestResource(value = PrefetchUpstreams.class, restrictToAnnotatedClass = true)
class PrefetchTest {

    private final ObjectMapper json = new ObjectMapper();
    private final Random random = new Random();

    @BeforeEach
    void realPartsPresent() {
        Requirements.require(Part.SKOPEO);
    }

    private static RegistryHttp upstream(String name) {
        return new RegistryHttp("http://" + UpstreamsResource.address(name), null, null);
    }

    private byte[] layer(int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return b;
    }

    /** An image of its own on {@code upstream}: a unique config (so no other test cached it) and one layer. */
    private static Digest push(String upstream, String repo, String tag, byte[] layer, String arch)
            throws Exception {
        return upstream(upstream).pushImage(repo, tag, layer, "{\"architecture\":\"" + arch + "\",\"os\":\"linux\","
                + "\"config\":{\"Labels\":{\"t\":\"" + UUID.randomUUID() + "\"}},\"rootfs\":{\"type\":\"layers\","
                + "\"diff_ids\":[]}}");
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static long blobGets(String upstream, String repo, Digest blob) {
        return UpstreamsResource.requests(upstream, "GET", "/v2/" + repo + "/blobs/" + blob);
    }

    /** A two-platform image on the hub upstream; returns the layer digest of each platform. */
    private Map<String, Digest> pushMultiArch(String repo) throws Exception {
        Map<String, Digest> layers = new LinkedHashMap<>();
        Map<String, String> tags = new LinkedHashMap<>();
        for (String platform : List.of("linux/amd64", "linux/arm64")) {
            byte[] content = layer(200_000);
            String tag = platform.substring(6);
            push("hub", repo, tag, content, tag);
            layers.put(platform, Digest.sha256(content));
            tags.put(platform, tag);
        }
        upstream("hub").pushIndex(repo, "multi", tags);
        return layers;
    }

    @Test
    void onePlatformOfAnIndexIsFetchedWholeAndThenPullsNeedNothingFromTheUpstream() throws Exception {
        String repo = unique("t/arch");
        Map<String, Digest> layers = pushMultiArch(repo);
        String image = "hub/" + repo + ":multi";

        given().contentType(ContentType.JSON).body(Map.of("images", List.of(image), "platform", "linux/arm64"))
                .post("/prefetch").then().statusCode(200)
                .body("images", hasSize(1))
                .body("images[0].image", equalTo(image))
                .body("images[0].manifests", hasSize(2))
                .body("images[0].platforms", contains("linux/arm64"))
                .body("images[0].blobs", equalTo(2))
                .body("images[0].blobsFetched", equalTo(2));
        assertEquals(1, blobGets("hub", repo, layers.get("linux/arm64")));
        assertEquals(0, blobGets("hub", repo, layers.get("linux/amd64")), "the other platform stays upstream");

        // A real client's pull of that platform is served from the cache.
        Path dir = Files.createTempDirectory("slipway-t-prefetch");
        try {
            Processes.check(120, "skopeo", "copy", "--src-tls-verify=false", "--override-arch", "arm64",
                    "--override-os", "linux", "docker://127.0.0.1:" + RestAssured.port + "/" + image,
                    "dir:" + dir);
            assertTrue(Files.exists(dir.resolve(layers.get("linux/arm64").hex())));
        } finally {
            Processes.exec(30, "rm", "-rf", dir.toString());
        }
        assertEquals(1, blobGets("hub", repo, layers.get("linux/arm64")));

        // Again: nothing left to fetch.
        given().contentType(ContentType.JSON).body(Map.of("images", List.of(image), "platform", "linux/arm64"))
                .post("/prefetch").then().statusCode(200)
                .body("images[0].blobsFetched", equalTo(0)).body("images[0].bytesFetched", equalTo(0));
    }

    @Test
    void withoutAPlatformEveryChildOfTheIndexIsFetched() throws Exception {
        String repo = unique("t/all");
        Map<String, Digest> layers = pushMultiArch(repo);
        given().contentType(ContentType.JSON).body(Map.of("images", List.of("hub/" + repo + ":multi")))
                .post("/prefetch").then().statusCode(200)
                .body("images[0].manifests", hasSize(3))
                .body("images[0].platforms", contains("linux/amd64", "linux/arm64"))
                .body("images[0].blobsFetched", equalTo(4));
        layers.values().forEach(l -> assertEquals(1, blobGets("hub", repo, l)));
    }

    @Test
    void progressStreamsAsServerSentEvents() throws Exception {
        String repo = unique("t/sse");
        byte[] content = layer(150_000);
        Digest manifest = push("hub", repo, "v1", content, "amd64");
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + RestAssured.port + "/prefetch"))
                .header("Content-Type", "application/json").header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("{\"images\":[\"hub/" + repo + ":v1\","
                        + "\"hub/" + repo + ":missing\"]}")).timeout(Duration.ofSeconds(120)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        List<JsonNode> events = r.body().lines().filter(l -> l.startsWith("data:"))
                .map(l -> read(l.substring(5))).toList();
        assertEquals(List.of("manifest", "blob", "blob", "done", "failed", "end"),
                events.stream().map(e -> e.path("type").asText()).toList());
        assertEquals(manifest.toString(), events.get(0).path("digest").asText());
        assertTrue(events.stream().anyMatch(e -> e.path("digest").asText().equals(Digest.sha256(content).toString())
                && e.path("bytes").asLong() == content.length && !e.path("cached").asBoolean()));
        assertEquals("MANIFEST_UNKNOWN", events.get(4).path("code").asText());
        assertEquals(1, events.get(5).path("warmed").asInt());
        assertEquals(1, events.get(5).path("failed").asInt());
    }

    @Test
    void anImageNobodyHasFailsNamingItWhileTheOthersAreStillWarmed() throws Exception {
        String repo = unique("t/mixed");
        byte[] content = layer(100_000);
        push("hub", repo, "v1", content, "amd64");
        given().contentType(ContentType.JSON)
                .body(Map.of("images", List.of("hub/t/nobody-has-this:1", "hub/" + repo + ":v1")))
                .post("/prefetch").then().statusCode(404)
                .body("errors[0].code", equalTo("MANIFEST_UNKNOWN"))
                .body("errors[0].detail", containsString("hub/t/nobody-has-this:1"));
        assertEquals(1, blobGets("hub", repo, Digest.sha256(content)), "the known image was warmed anyway");
        given().contentType(ContentType.JSON).body(Map.of("images", List.of("models/never-pushed:1")))
                .post("/prefetch").then().statusCode(404).body("errors[0].code", equalTo("MANIFEST_UNKNOWN"))
                .body("errors[0].detail", containsString("models/never-pushed:1"));
    }

    @Test
    void badRequestsAreRefusedBeforeAnythingIsFetched() throws Exception {
        String repo = unique("t/bad");
        byte[] content = layer(50_000);
        push("hub", repo, "v1", content, "amd64");
        String good = "\"hub/" + repo + ":v1\"";
        for (String[] c : new String[][] {
                {"{\"images\":[]}", "PREFETCH_INVALID"},
                {"not json", "PREFETCH_INVALID"},
                {"{\"images\":[" + good + "],\"platform\":\"amd64\"}", "PREFETCH_INVALID"},
                {"{\"images\":[" + good + ", 7]}", "PREFETCH_INVALID"},
                {"{\"images\":[" + good + ",\"Upper/Case:v1\"]}", "NAME_INVALID"},
                {"{\"images\":[" + good + ",\"hub/x@sha256:abc\"]}", "DIGEST_INVALID"}}) {
            given().contentType(ContentType.JSON).body(c[0]).post("/prefetch").then().statusCode(400)
                    .body("errors[0].code", equalTo(c[1]));
        }
        assertEquals(0, UpstreamsResource.requests("hub", "GET", "/v2/" + repo + "/manifests/v1"));
        assertEquals(0, blobGets("hub", repo, Digest.sha256(content)));
    }

    @Test
    void aCachedImageStillPrefetchesWhileItsUpstreamIsDown() throws Exception {
        String repo = unique("t/down");
        push("flaky", repo, "v1", layer(80_000), "amd64");
        String image = "flaky/" + repo + ":v1";
        given().contentType(ContentType.JSON).body(Map.of("images", List.of(image))).post("/prefetch").then()
                .statusCode(200).body("images[0].blobsFetched", equalTo(2));
        ProcessHandle.of(Long.parseLong(System.getProperty("slipway.t.flaky.pid")))
                .ifPresent(ProcessHandle::destroyForcibly);
        Thread.sleep(2100); // past the 2 s tag TTL: the mirror must ask the (dead) upstream first
        given().contentType(ContentType.JSON).body(Map.of("images", List.of(image))).post("/prefetch").then()
                .statusCode(200).body("images[0].blobsFetched", equalTo(0));
        given().contentType(ContentType.JSON).body(Map.of("images", List.of("flaky/" + repo + ":never-cached")))
                .post("/prefetch").then().statusCode(503).body("errors[0].code", equalTo("UNAVAILABLE"));
    }

    @Test
    void theConfiguredListIsWarmedOnItsScheduleWithoutAnyPull() throws Exception {
        given().get("/prefetch").then().statusCode(200)
                .body("images", contains(PrefetchUpstreams.SCHEDULED)).body("interval", equalTo("PT1S"));
        byte[] content = layer(120_000);
        String repo = PrefetchUpstreams.SCHEDULED.substring("hub/".length(), PrefetchUpstreams.SCHEDULED.indexOf(':'));
        push("hub", repo, "v1", content, "amd64");
        Await.until("the schedule warmed " + PrefetchUpstreams.SCHEDULED, Duration.ofSeconds(60),
                () -> blobGets("hub", repo, Digest.sha256(content)) == 1);
        Await.until("GET /prefetch shows it warmed", Duration.ofSeconds(30), () -> given().get("/prefetch")
                .then().extract().jsonPath().getList("lastRun.warmed.image").contains(PrefetchUpstreams.SCHEDULED));
    }

    @Test
    void theRouteIsDocumentedInOpenApi() {
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("paths.'/prefetch'.post.summary", equalTo("Warm the cache with whole images"))
                .body("paths.'/prefetch'.post.responses.'404'.description", containsString("MANIFEST_UNKNOWN"))
                .body("paths.'/prefetch'.get.summary", containsString("configured prefetch list"));
    }

    private JsonNode read(String s) {
        try {
            return json.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(s, e);
        }
    }
}
