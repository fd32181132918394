package io.slipway.mirror.space;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.slipway.mirror.registry.Digest;
import io.slipway.mirror.support.RegistryHttp;
import io.slipway.testsupport.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A stream of distinct cold images pulled through the mirror from a real docker-registry keeps the cache under its
 * limit, least recently used first, while pushed content is never evicted; cached repositories and tags can be
 * dropped.
 */
@QuarkusTest
@QuarkusTestResource(value = EvictionResource.class, restrictToAnnotatedClass = true)
class EvictionTest {

    private static final int IMAGES = 6;
    private static final int LAYER = 600_000;

    private static RequestSpecification admin() {
        return given().auth().preemptive().basic(GcUnderLoad.USER, GcUnderLoad.PASSWORD);
    }

    private static RegistryHttp mirror() {
        return new RegistryHttp("http://127.0.0.1:" + RestAssured.port, GcUnderLoad.USER, GcUnderLoad.PASSWORD);
    }

    private static RegistryHttp upstream() {
        return new RegistryHttp(System.getProperty("slipway.t.evict.url"), null, null);
    }

    private static long upstreamBlobGets(String repo, Digest d) throws Exception {
        String needle = "\"GET /v2/" + repo + "/blobs/" + d + " HTTP/1.1\" 200 ";
        return Files.readAllLines(Path.of(System.getProperty("slipway.t.evict.log"))).stream()
                .filter(l -> l.contains(needle)).count();
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static JsonPath space() {
        return admin().get("/admin/space").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void aStreamOfColdImagesStaysUnderTheLimitAndPushedContentIsNeverEvicted() throws Exception {
        byte[] pushedLayer = random(2_000_000, 99); // more than the whole cache limit
        mirror().pushImage("t/pushed-model", "v1", "pushed", List.of(pushedLayer));
        byte[] first = random(LAYER, 0);
        byte[] fifth = random(LAYER, 5);
        for (int i = 0; i < IMAGES; i++) {
            upstream().pushImage("t/stream-" + i, "v1", "stream-" + i,
                    List.of(i == 0 ? first : i == 5 ? fifth : random(LAYER, i)));
        }
        for (int i = 0; i < IMAGES; i++) {
            mirror().pullVerified("hub/t/stream-" + i, "v1");
            Await.until("the cache back under its limit after image " + i, Duration.ofSeconds(60),
                    () -> space().getLong("cachedBytes") <= EvictionResource.LIMIT);
        }
        JsonPath space = space();
        assertEquals(EvictionResource.LIMIT, space.getLong("cacheLimitBytes"));
        assertTrue(space.getLong("evictions") >= IMAGES - 2, "old images were evicted: " + space.prettify());
        assertTrue(space.getLong("pushedBytes") >= pushedLayer.length, "pushed content stays: " + space.prettify());
        mirror().pullVerified("t/pushed-model", "v1");
        assertTrue(given().get("/q/metrics").then().extract().asString().contains("mirror_cache_evictions_total"));

        // stream-0 was the least recently used: its layer went, and comes from the upstream again.
        long before = upstreamBlobGets("t/stream-0", Digest.sha256(first));
        mirror().pullVerified("hub/t/stream-0", "v1");
        assertEquals(before + 1, upstreamBlobGets("t/stream-0", Digest.sha256(first)), "an evicted layer is fetched again");
        awaitUnderLimit();
        // A hit refreshes recency: stream-5, pulled again now, outlives stream-0 when the next image comes.
        mirror().pullVerified("hub/t/stream-5", "v1");
        upstream().pushImage("t/stream-next", "v1", "next", List.of(random(LAYER, 77)));
        mirror().pullVerified("hub/t/stream-next", "v1");
        awaitUnderLimit();
        long five = upstreamBlobGets("t/stream-5", Digest.sha256(fifth));
        mirror().pullVerified("hub/t/stream-5", "v1");
        assertEquals(five, upstreamBlobGets("t/stream-5", Digest.sha256(fifth)), "the recently used image stayed");
        long zero = upstreamBlobGets("t/stream-0", Digest.sha256(first));
        mirror().pullVerified("hub/t/stream-0", "v1");
        assertEquals(zero + 1, upstreamBlobGets("t/stream-0", Digest.sha256(first)), "the least recently used went");
    }

    private static void awaitUnderLimit() {
        Await.until("the cache back under its limit", Duration.ofSeconds(60),
                () -> space().getLong("cachedBytes") <= EvictionResource.LIMIT);
    }

    @Test
    void cachedRepositoriesAndTagsCanBeDroppedAndComeBackFromTheUpstream() throws Exception {
        upstream().pushImage("t/drop", "v1", "drop-1", List.of(random(10_000, 50)));
        upstream().pushImage("t/drop", "v2", "drop-2", List.of(random(10_000, 51)));
        mirror().pullVerified("hub/t/drop", "v1");
        mirror().pullVerified("hub/t/drop", "v2");
        given().get("/v2/hub/t/drop/tags/list").then().statusCode(200); // the upstream's list

        admin().delete("/admin/cache/hub/t/drop?tag=v1").then().statusCode(200).body("dropped", equalTo(true))
                .body("tag", equalTo("v1"));
        admin().delete("/admin/cache/hub/t/drop?tag=v1").then().statusCode(404)
                .body("errors[0].code", equalTo("MANIFEST_UNKNOWN"));
        admin().delete("/admin/cache/hub/t/drop?tag=-bad").then().statusCode(400)
                .body("errors[0].code", equalTo("TAG_INVALID"));
        mirror().pullVerified("hub/t/drop", "v1"); // from the upstream again

        admin().delete("/admin/cache/hub/t/drop").then().statusCode(200).body("stored", equalTo("hub/t/drop"));
        admin().delete("/admin/cache/hub/t/drop").then().statusCode(404).body("errors[0].code", equalTo("NAME_UNKNOWN"));
        admin().delete("/admin/cache/hub/t/never-pulled").then().statusCode(404);
        admin().delete("/admin/cache/t/pushed-here").then().statusCode(405);
        JsonPath gc = GcUnderLoad.gc("?grace=0s");
        assertTrue(gc.getInt("blobsDeleted") >= 3, "the dropped repository's blobs are freed: " + gc.prettify());
        mirror().pullVerified("hub/t/drop", "v2");
    }
}
