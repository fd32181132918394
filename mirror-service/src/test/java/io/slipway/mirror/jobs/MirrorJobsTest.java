package io.slipway.mirror.jobs;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.quarkus.test.common.http.TestHTTPResource;
import io.slipway.testsupport.Await;
import io.slipway.testsupport.Part;
import io.slipway.testsupport.Processes;
import io.slipway.testsupport.Requirements;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Mirror jobs end to end inside one mirror: a real docker-registry as source (a two-platform OCI index built by the
 * test, copied in with skopeo), a real docker-registry with htpasswd auth as destination, ECR's control plane as
 * {@link EcrApiStub} with the bytes going to that same real registry.
 */
@QuarkusTest
@QuarkusTestResource(value = MirrorJobsResource.class, restrictToAnnotatedClass = true)
class MirrorJobsTest {

    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(3);

    @TestHTTPResource
    java.net.URL mirror;

    int port;

    @org.junit.jupiter.api.BeforeEach
    void mirrorPort() {
        port = mirror.getPort();
    }
    private final HttpClient http = HttpClient.newHttpClient();

    private static String src(String repo) {
        return System.getProperty("slipway.t.jobs.source") + "/" + repo + ":v1";
    }

    private static String dest() {
        return System.getProperty("slipway.t.jobs.destination");
    }

    private static String fact(String name) {
        return System.getProperty("slipway.t.jobs." + name);
    }

    private static Map<String, Object> registry(String prefix, String password) {
        return Map.of("type", "registry", "registry", dest() + "/" + prefix, "username", "AWS", "password", password);
    }

    private static String submit(Map<String, Object> body) {
        return given().auth().preemptive().basic("slipway", "test-secret").contentType("application/json")
                .body(body).post("/mirror-jobs").then().statusCode(202).body("state", equalTo("queued"))
                .extract().path("id");
    }

    private static JsonPath awaitFinished(String id) {
        Await.until("mirror job " + id + " finished", JOB_TIMEOUT, () -> !List.of("queued", "running")
                .contains(job(id).getString("state")));
        return job(id);
    }

    private static JsonPath job(String id) {
        return given().auth().preemptive().basic("slipway", "test-secret").get("/mirror-jobs/" + id).then()
                .statusCode(200).extract().jsonPath();
    }

    /** The digest the destination registry answers for a manifest, or null when it has none. */
    private String destinationDigest(String repo, String reference) throws Exception {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://" + dest() + "/v2/" + repo
                + "/manifests/" + reference)).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header("Accept", "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("AWS:" + fact("password"))
                        .getBytes(StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.discarding());
        return r.statusCode() == 200 ? r.headers().firstValue("Docker-Content-Digest").orElseThrow() : null;
    }

    private static long uploads() throws IOException {
        return Files.readAllLines(Path.of(fact("destination-log"))).stream()
                .filter(l -> l.contains("\"PUT /v2/") || l.contains("\"PATCH /v2/")).count();
    }

    @Test
    void copiesAMultiArchIndexWithExtraTagsAndARerunTransfersNothing() throws Exception {
        String id = submit(Map.of("images", List.of(src("models/multi")), "extraTags", List.of("prod"),
                "destination", registry("team", fact("password"))));
        JsonPath done = awaitFinished(id);
        assertEquals("succeeded", done.getString("state"), done.prettify());
        assertEquals(fact("index"), destinationDigest("team/models/multi", "v1"));
        assertEquals(fact("index"), destinationDigest("team/models/multi", "prod"));
        assertEquals(fact("amd64"), destinationDigest("team/models/multi", fact("amd64")));
        assertEquals(fact("arm64"), destinationDigest("team/models/multi", fact("arm64")));
        assertEquals(4, done.getInt("images[0].blobsCopied"));
        assertEquals(3, done.getInt("images[0].manifestsCopied"));
        assertEquals(Long.parseLong(fact("bytes")), done.getLong("images[0].bytesCopied"));
        assertEquals(List.of(dest() + "/team/models/multi:v1", dest() + "/team/models/multi:prod"),
                done.getList("references"));
        given().auth().preemptive().basic("slipway", "test-secret").accept("text/plain").get("/mirror-jobs/" + id)
                .then().statusCode(200).body(equalTo(dest() + "/team/models/multi:v1\n"
                        + dest() + "/team/models/multi:prod\n"));
        String record = Files.readString(Path.of(fact("records"), id + ".json"));
        assertTrue(record.contains("\"succeeded\""), record);
        assertFalse(record.contains(fact("password")), "a job record must not keep the destination's password");

        long before = uploads();
        JsonPath again = awaitFinished(submit(Map.of("images", List.of(src("models/multi")), "extraTags",
                List.of("prod"), "destination", registry("team", fact("password")))));
        assertEquals("succeeded", again.getString("state"), again.prettify());
        assertEquals(0, again.getLong("images[0].bytesCopied"));
        assertEquals(0, again.getInt("images[0].manifestsCopied"));
        assertEquals(before, uploads(), "a re-run must not upload anything");
    }

    @Test
    void aPlatformFilterIntoThisMirrorTagsThatPlatformsManifest() {
        JsonPath done = awaitFinished(submit(Map.of("images", List.of(src("models/multi")), "platforms",
                List.of("linux/arm64"), "destination", Map.of("type", "mirror", "prefix", "copies"))));
        assertEquals("succeeded", done.getString("state"), done.prettify());
        assertEquals(2, done.getInt("images[0].blobsCopied"));
        given().accept("application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json")
                .get("/v2/copies/models/multi/manifests/v1").then().statusCode(200)
                .header("Docker-Content-Digest", fact("arm64"));
        assertTrue(done.getString("references[0]").endsWith("/copies/models/multi:v1"), done.prettify());
    }

    @Test
    void intoEcrCreatesTheRepositoriesLogsInAndMountsSharedBlobs() throws Exception {
        JsonPath done = awaitFinished(submit(Map.of("images", List.of(src("models/multi"), src("models/twin")),
                "destination", Map.of("type", "ecr", "account", "123456789012", "region", "eu-west-1",
                        "prefix", "ecr"))));
        assertEquals("succeeded", done.getString("state"), done.prettify());
        assertEquals(List.of(dest() + "/ecr/models/multi:v1", dest() + "/ecr/models/twin:v1"),
                done.getList("references"));
        assertEquals(fact("index"), destinationDigest("ecr/models/twin", "v1"));
        assertEquals(4, done.getInt("images[1].blobsMounted"), "the twin's blobs are mounted, not uploaded");
        assertEquals(0, done.getLong("images[1].bytesCopied"));
        String calls = http.send(HttpRequest.newBuilder(URI.create(fact("ecr") + "/calls")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(calls.contains("GetAuthorizationToken"), calls);
        assertTrue(calls.contains("CreateRepository ecr/models/multi"), calls);
        assertTrue(calls.contains("CreateRepository ecr/models/twin"), calls);
    }

    @Test
    void wrongDestinationCredentialsFailTheJobWithTheReason() throws Exception {
        JsonPath done = awaitFinished(submit(Map.of("images", List.of(src("models/multi")),
                "destination", registry("refused", "wrong"))));
        assertEquals("failed", done.getString("state"));
        assertTrue(done.getString("images[0].error").contains("credentials refused"), done.prettify());
        assertEquals(null, destinationDigest("refused/models/multi", "v1"));
    }

    @Test
    void eventsStreamTheJobUntilItEnds() {
        String id = submit(Map.of("images", List.of(src("models/multi")), "destination",
                Map.of("type", "mirror", "prefix", "events")));
        String stream = given().auth().preemptive().basic("slipway", "test-secret").accept("text/event-stream")
                .get("/mirror-jobs/" + id + "/events").then().statusCode(200).extract().asString();
        List<String> events = stream.lines().filter(l -> l.startsWith("data:")).toList();
        assertFalse(events.isEmpty(), stream);
        assertTrue(events.get(events.size() - 1).contains("\"state\":\"succeeded\""), stream);
    }

    @Test
    void theCliPrintsTheRewrittenNamesOfAListFile() throws Exception {
        Requirements.require(Part.JQ);
        Path list = Files.createTempFile("slipway-t-mirror-list", ".txt");
        try {
            Files.writeString(list, "# models\n" + src("models/multi") + "\n\n  " + src("models/twin") + "  \n");
            Processes.Result r = Processes.exec(300, Map.of("SLIPWAY_REGISTRY_PORT", Integer.toString(port),
                    "SLIPWAY_REGISTRY_PASSWORD", "test-secret", "SLIPWAY_MIRROR_TO_USERNAME", "AWS",
                    "SLIPWAY_MIRROR_TO_PASSWORD", fact("password")), null, "../slipway", "mirror", list.toString(),
                    "--to", dest() + "/cli", "--tag", "prod");
            String out = r.orFail();
            for (String name : List.of("cli/models/multi:v1", "cli/models/multi:prod", "cli/models/twin:v1",
                    "cli/models/twin:prod")) {
                assertTrue(out.lines().anyMatch(l -> l.equals(dest() + "/" + name)), name + " in\n" + out);
            }
            assertTrue(out.contains("[succeeded]"), out);
            assertEquals(fact("index"), destinationDigest("cli/models/twin", "prod"));
        } finally {
            Files.deleteIfExists(list);
        }
    }

    @Test
    void theRoutesAreInTheOpenApiDocument() {
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.'/mirror-jobs'.post.summary", equalTo("Start a mirror job"))
                .body("paths.'/mirror-jobs/{id}'.get.responses.'404'.description", containsString("MIRROR_JOB_UNKNOWN"))
                .body("paths.'/mirror-jobs/{id}/events'.get.summary", equalTo("Follow a mirror job"));
    }

    @Test
    void badRequestsAreRefusedAndStartNothing() {
        int jobsBefore = given().auth().preemptive().basic("slipway", "test-secret").get("/mirror-jobs")
                .then().statusCode(200).extract().jsonPath().getList("jobs").size();
        Response r = given().auth().preemptive().basic("slipway", "test-secret").contentType("application/json")
                .body(Map.of("images", List.of("nginx"), "destination", Map.of("type", "ecr", "account",
                        "123456789012", "region", "Mars"))).post("/mirror-jobs");
        r.then().statusCode(400).body("errors[0].code", equalTo("MIRROR_JOB_INVALID"))
                .body("errors[0].detail", containsString("destination.region"));
        given().auth().preemptive().basic("slipway", "test-secret").contentType("application/json")
                .body(Map.of("images", List.of("Bad/Name:v1"), "destination", Map.of("type", "mirror")))
                .post("/mirror-jobs").then().statusCode(400).body("errors[0].code", equalTo("NAME_INVALID"));
        given().auth().preemptive().basic("slipway", "test-secret").contentType("application/json")
                .body(Map.of("images", List.of(), "destination", Map.of("type", "mirror")))
                .post("/mirror-jobs").then().statusCode(400).body("errors[0].detail", containsString("images"));
        given().auth().preemptive().basic("slipway", "test-secret").contentType("application/json")
                .body("{\"images\": \"nginx\", ").post("/mirror-jobs").then().statusCode(400)
                .body("errors[0].code", equalTo("MIRROR_JOB_INVALID"))
                .body("errors[0].detail", containsString("not a mirror job"));
        given().contentType("application/json").body(Map.of("images", List.of("nginx"), "destination",
                Map.of("type", "mirror"))).post("/mirror-jobs").then().statusCode(401)
                .body("errors[0].code", equalTo("UNAUTHORIZED"));
        given().auth().preemptive().basic("slipway", "test-secret").get("/mirror-jobs/"
                + "00000000-0000-0000-0000-000000000000").then().statusCode(404)
                .body("errors[0].code", equalTo("MIRROR_JOB_UNKNOWN"));
        assertEquals(jobsBefore, given().auth().preemptive().basic("slipway", "test-secret").get("/mirror-jobs")
                .then().statusCode(200).extract().jsonPath().getList("jobs").size());
    }
}
