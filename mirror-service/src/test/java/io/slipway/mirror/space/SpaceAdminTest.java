package io.slipway.mirror.space;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.slipway.mirror.registry.Digest;
import io.slipway.mirror.registry.RepositoryName;
import io.slipway.mirror.registry.StorageLayout;
import io.slipway.mirror.support.RegistryHttp;
import io.slipway.testsupport.Await;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The admin API on the filesystem store: dry run, collection, what is kept, abandoned uploads, the lease, bad input. */
@QuarkusTest
class SpaceAdminTest {

    private static final Path ROOT = Path.of("target/registry-test");

    private static RegistryHttp registry() {
        return new RegistryHttp("http://127.0.0.1:" + RestAssured.port, GcUnderLoad.USER, GcUnderLoad.PASSWORD);
    }

    private static RequestSpecification admin() {
        return given().auth().preemptive().basic(GcUnderLoad.USER, GcUnderLoad.PASSWORD);
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Every file of the store with its size and modification time. */
    private static Map<String, String> snapshot() throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(ROOT)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                files.put(ROOT.relativize(p).toString(), Files.size(p) + "@" + Files.getLastModifiedTime(p));
            }
        }
        return files;
    }

    private static boolean stored(Digest d) {
        return Files.isRegularFile(ROOT.resolve(StorageLayout.blobData(d)));
    }

    private static long storedGauge() {
        return (long) given().get("/q/metrics").then().statusCode(200).extract().asString().lines()
                .filter(l -> l.startsWith("mirror_storage_stored_bytes "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst().orElse(-1);
    }

    private static boolean linked(String repo, Digest d) {
        return Files.isRegularFile(ROOT.resolve(StorageLayout.layerLink(RepositoryName.of(repo), d)));
    }

    private static void deleteManifest(String repo, Digest d) throws IOException {
        HttpResponse<String> r = registry().send(registry().request("/v2/" + repo + "/manifests/" + d).DELETE(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(202, r.statusCode(), r.body());
    }

    @Test
    void aDryRunChangesNothingAndTheCollectionThenFreesExactlyWhatItListed() throws Exception {
        RegistryHttp r = registry();
        byte[] shared = random(90_000, 1);
        byte[] onlyA = random(70_000, 2);
        byte[] onlyB = random(60_000, 3);
        Digest a = r.pushImage("t/space-a", "v1", "a", List.of(shared, onlyA));
        r.pushImage("t/space-b", "v1", "b", List.of(shared, onlyB));
        deleteManifest("t/space-a", a);
        long storedBefore = admin().get("/admin/space").then().statusCode(200).extract().jsonPath()
                .getLong("storedBytes");

        Map<String, String> before = snapshot();
        JsonPath dry = GcUnderLoad.gc("?dryRun=true&grace=0s");
        assertEquals(before, snapshot(), "a dry run changes nothing");
        assertTrue(dry.getBoolean("dryRun"));
        List<String> wouldGo = dry.getList("deleted");
        assertTrue(wouldGo.containsAll(List.of(a.toString(), Digest.sha256(onlyA).toString())), wouldGo.toString());
        assertFalse(wouldGo.contains(Digest.sha256(shared).toString()), "B still references the shared layer");
        assertFalse(wouldGo.contains(Digest.sha256(onlyB).toString()));

        JsonPath done = GcUnderLoad.gc("?grace=0s");
        assertFalse(done.getBoolean("dryRun"));
        assertEquals(dry.getInt("blobsDeleted"), done.getInt("blobsDeleted"), "the dry run said what would go");
        assertEquals(dry.getLong("bytesReclaimed"), done.getLong("bytesReclaimed"));
        assertFalse(stored(Digest.sha256(onlyA)));
        assertFalse(stored(a));
        given().head("/v2/t/space-a/blobs/" + Digest.sha256(onlyA)).then().statusCode(404);
        assertFalse(linked("t/space-a", Digest.sha256(onlyA)), "the repository's link to a collected blob went too");
        assertFalse(linked("t/space-a", a), "and the link to the collected manifest's bytes");
        assertTrue(linked("t/space-a", Digest.sha256(shared)), "a link to a blob that stays, stays");
        r.pullVerified("t/space-b", "v1");

        JsonPath space = admin().get("/admin/space").then().statusCode(200).extract().jsonPath();
        assertEquals(storedBefore - done.getLong("bytesReclaimed"), space.getLong("storedBytes"));
        assertEquals(0, space.getLong("unreferencedBytes"), "nothing unreferenced is left");
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("mirror_gc_bytes_reclaimed_total{what=\"blob\"}"), metrics);
        // A scheduled space pass whose scan began before the collection may land after the report above; the gauge
        // must then agree with the next fresh measurement.
        Await.until("the stored-bytes gauge shows the last measurement", Duration.ofSeconds(60),
                () -> admin().get("/admin/space").then().statusCode(200).extract().jsonPath().getLong("storedBytes")
                        == storedGauge());
    }

    @Test
    void linksToBlobsThatAreGoneAreSweptOnlyPastTheGracePeriodAndARepushLinksAgain() throws Exception {
        RegistryHttp r = registry();
        byte[] layer = random(50_000, 11);
        Digest m = r.pushImage("t/space-links", "v1", "l", List.of(layer));
        Digest blob = Digest.sha256(layer);
        deleteManifest("t/space-links", m);
        // Bytes gone, links left: what a collection before this change, or an eviction, left behind.
        Files.delete(ROOT.resolve(StorageLayout.blobData(blob)));
        Path old = ROOT.resolve(StorageLayout.layerLink(RepositoryName.of("t/space-links"), blob));
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minusSeconds(7200)));
        Path young = ROOT.resolve(StorageLayout.layerLink(RepositoryName.of("t/space-links-young"), blob));
        Files.createDirectories(young.getParent());
        Files.writeString(young, blob.toString());

        Map<String, String> before = snapshot();
        GcUnderLoad.gc("?dryRun=true&grace=1h");
        assertEquals(before, snapshot(), "a dry run removes no link");
        GcUnderLoad.gc("?grace=1h");
        assertFalse(Files.exists(old), "a link older than the grace period to bytes that are gone is removed");
        assertTrue(Files.exists(young), "a young link stays (a push may be linking it right now)");

        Digest again = r.pushImage("t/space-links", "v1", "l", List.of(layer));
        assertEquals(m, again);
        assertTrue(linked("t/space-links", blob), "pushed again: linked again");
        r.pullVerified("t/space-links", "v1");
    }

    @Test
    void indexChildrenReferrersAndYoungBlobsAreKept() throws Exception {
        RegistryHttp r = registry();
        byte[] layer = random(40_000, 11);
        Digest image = r.pushImage("t/space-keep", "img", "keep", List.of(layer));
        String image2 = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"size\":2,"
                + "\"digest\":\"" + r.pushBlob("t/space-keep", "{}".getBytes(StandardCharsets.UTF_8)) + "\"},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"size\":30000,"
                + "\"digest\":\"" + r.pushBlob("t/space-keep", random(30_000, 12)) + "\"}]}";
        Digest child = put(r, "t/space-keep", Digest.sha256(image2.getBytes(StandardCharsets.UTF_8)).toString(),
                "application/vnd.docker.distribution.manifest.v2+json", image2);
        String index = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
                + "{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"size\":"
                + image2.length() + ",\"digest\":\"" + child + "\"}]}";
        put(r, "t/space-keep", "multi", "application/vnd.oci.image.index.v1+json", index);
        byte[] signature = random(5_000, 13);
        Digest sig = r.pushBlob("t/space-keep", signature);
        Digest empty = r.pushBlob("t/space-keep", "{}".getBytes(StandardCharsets.UTF_8));
        String referrer = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"artifactType\":\"application/vnd.example.signature\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.empty.v1+json\",\"size\":2,\"digest\":\"" + empty + "\"},\"layers\":[{"
                + "\"mediaType\":\"application/octet-stream\",\"size\":5000,\"digest\":\"" + sig + "\"}],"
                + "\"subject\":{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"size\":1,"
                + "\"digest\":\"" + image + "\"}}";
        Digest referrerDigest = Digest.sha256(referrer.getBytes(StandardCharsets.UTF_8));
        put(r, "t/space-keep", referrerDigest.toString(), "application/vnd.oci.image.manifest.v1+json", referrer);
        byte[] young = random(20_000, 14);
        Digest youngBlob = r.pushBlob("t/space-keep", young); // a push whose manifest is still to come

        JsonPath report = GcUnderLoad.gc(""); // the configured grace period (1 hour)
        assertFalse(report.getList("deleted").contains(youngBlob.toString()), "young blobs are never collected");
        assertTrue(stored(youngBlob));
        GcUnderLoad.gc("?grace=0s");
        r.pullVerified("t/space-keep", "img");
        r.pullVerified("t/space-keep", child.toString());
        given().get("/v2/t/space-keep/manifests/multi").then().statusCode(200);
        r.pullVerified("t/space-keep", referrerDigest.toString());
        given().get("/v2/t/space-keep/referrers/" + image).then().statusCode(200)
                .body("manifests[0].digest", equalTo(referrerDigest.toString()));
        assertTrue(stored(sig), "what a referrer references is kept");
    }

    private static Digest put(RegistryHttp r, String repo, String ref, String type, String body) throws IOException {
        HttpResponse<String> resp = r.send(r.request("/v2/" + repo + "/manifests/" + ref).header("Content-Type", type)
                .PUT(HttpRequest.BodyPublishers.ofString(body)), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, resp.statusCode(), resp.body());
        return Digest.sha256(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void abandonedUploadsAreSweptAfterTheirTtlAndLiveOnesStay() throws Exception {
        RegistryHttp r = registry();
        String[] uploads = new String[2];
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> start = r.send(r.request("/v2/t/space-uploads/blobs/uploads/")
                    .POST(HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.ofString());
            assertEquals(202, start.statusCode());
            uploads[i] = start.headers().firstValue("Docker-Upload-UUID").orElseThrow();
            HttpResponse<String> chunk = r.send(r.request("/v2/t/space-uploads/blobs/uploads/" + uploads[i])
                    .header("Content-Type", "application/octet-stream")
                    .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(random(10_000, 20 + i))),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(202, chunk.statusCode(), chunk.body());
        }
        // The first one was last touched 25 hours ago (the default TTL is 24 hours).
        Path abandoned = ROOT.resolve("repositories/t/space-uploads/_uploads/" + uploads[0]);
        FileTime dayAgo = FileTime.from(Instant.now().minusSeconds(25 * 3600));
        try (Stream<Path> files = Files.walk(abandoned)) {
            for (Path p : files.toList()) {
                Files.setLastModifiedTime(p, dayAgo);
            }
        }
        JsonPath dry = GcUnderLoad.gc("?dryRun=true");
        assertTrue(dry.getInt("uploadsDeleted") >= 1);
        assertTrue(Files.isDirectory(abandoned), "a dry run sweeps nothing");
        JsonPath done = GcUnderLoad.gc("");
        assertTrue(done.getInt("uploadsDeleted") >= 1 && done.getLong("uploadBytesReclaimed") >= 10_000, done.prettify());
        admin().get("/v2/t/space-uploads/blobs/uploads/" + uploads[0]).then().statusCode(404)
                .body("errors[0].code", equalTo("BLOB_UPLOAD_UNKNOWN"));
        admin().get("/v2/t/space-uploads/blobs/uploads/" + uploads[1]).then().statusCode(204)
                .header("Range", "0-9999");
    }

    @Test
    void aLeaseHeldByAnotherInstanceMakesTheCollectionWaitItsTurn() throws Exception {
        Path lease = ROOT.resolve(StorageLayout.gcLease());
        Files.createDirectories(lease.getParent());
        Files.writeString(lease, "{\"token\":\"other\",\"instance\":\"node-b\",\"expires\":"
                + (System.currentTimeMillis() + 120_000) + "}");
        try {
            admin().post("/admin/gc").then().statusCode(409).body("errors[0].code", equalTo("GC_RUNNING"))
                    .body("errors[0].detail", containsString("node-b"));
            admin().post("/admin/gc?dryRun=true").then().statusCode(200).body("dryRun", equalTo(true));
            admin().get("/admin/space").then().statusCode(200).body("gcHeldBy", equalTo("node-b"));
            Files.writeString(lease, "{\"token\":\"other\",\"instance\":\"node-b\",\"expires\":"
                    + (System.currentTimeMillis() - 1) + "}");
            admin().post("/admin/gc").then().statusCode(200).body("dryRun", equalTo(false));
            assertFalse(Files.exists(lease), "the lease is given back after the collection");
        } finally {
            Files.deleteIfExists(lease);
        }
    }

    @Test
    void badAdminInputGetsAnOciErrorAndChangesNothing() throws Exception {
        registry().pushImage("t/space-pushed", "v1", random(10_000, 30));
        Map<String, String> before = snapshot();
        given().post("/admin/gc").then().statusCode(401).body("errors[0].code", equalTo("UNAUTHORIZED"))
                .header("WWW-Authenticate", containsString("Bearer realm="));
        given().auth().preemptive().basic("slipway", "wrong").post("/admin/gc").then().statusCode(401);
        given().get("/admin/space").then().statusCode(401);
        admin().post("/admin/gc?grace=soon").then().statusCode(400)
                .body("errors[0].code", equalTo("PARAMETER_INVALID")).body("errors[0].detail", containsString("grace"));
        admin().post("/admin/gc?grace=-PT1S").then().statusCode(400).body("errors[0].code", equalTo("PARAMETER_INVALID"));
        admin().post("/admin/gc?dryRun=maybe").then().statusCode(400)
                .body("errors[0].code", equalTo("PARAMETER_INVALID"));
        admin().delete("/admin/cache/t/space-pushed").then().statusCode(405)
                .body("errors[0].code", equalTo("UNSUPPORTED"));
        admin().delete("/admin/cache/Not..A_Name").then().statusCode(400).body("errors[0].code", equalTo("NAME_INVALID"));
        given().delete("/admin/cache/t/space-pushed").then().statusCode(401);
        assertEquals(before, snapshot(), "refused requests change nothing");
        registry().pullVerified("t/space-pushed", "v1");
    }

    @Test
    void theAdminApiIsInOpenApi() {
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body(containsString("/admin/gc")).body(containsString("Collect garbage"))
                .body(containsString("/admin/space")).body(containsString("/admin/cache/{repository}"))
                .body(containsString("GC_RUNNING"));
    }
}
