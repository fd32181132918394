package io.slipway.mirror.storage;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.slipway.mirror.registry.Digest;
import io.slipway.mirror.registry.StorageLayout;
import io.slipway.testsupport.Processes;
import io.slipway.mirror.support.RegistryHttp;
import io.slipway.testsupport.Part;
import io.slipway.testsupport.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The whole registry on S3 (s3proxy on 127.0.0.1): pushes, pulls, ranges, and pull-through without a spool file. */
@QuarkusTest
@QuarkusTestResource(value = S3StoreResource.class, restrictToAnnotatedClass = true)
class S3RegistryTest {

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static Path object(String key) {
        return Path.of(System.getProperty("slipway.t.s3.objects")).resolve(key);
    }

    private static long upstreamRequests(String method, String path) throws Exception {
        String needle = "\"" + method + " " + path + " HTTP/1.1\" 200 ";
        return Files.readAllLines(Path.of(System.getProperty("slipway.t.hub.log"))).stream()
                .filter(l -> l.contains(needle)).count();
    }

    @Test
    void pushedBlobsAndManifestsLiveInTheBucketAndAreServedFromIt() throws Exception {
        RegistryHttp mirror = new RegistryHttp("http://127.0.0.1:" + RestAssured.port, "slipway", "test-secret");
        byte[] layer = random(7 * 1024 * 1024 + 11, 1); // larger than one part: a multipart upload
        Digest manifest = mirror.pushImage("t/s3-push", "v1", layer);
        Digest layerDigest = Digest.sha256(layer);
        assertTrue(Files.isRegularFile(object(StorageLayout.blobData(layerDigest))), "the layer is an object");

        byte[] got = given().get("/v2/t/s3-push/blobs/" + layerDigest).then().statusCode(200)
                .header("Docker-Content-Digest", layerDigest.toString())
                .header("Content-Length", String.valueOf(layer.length)).extract().asByteArray();
        assertArrayEquals(layer, got);
        byte[] part = given().header("Range", "bytes=6291456-6291555").get("/v2/t/s3-push/blobs/" + layerDigest)
                .then().statusCode(206).header("Content-Range", "bytes 6291456-6291555/" + layer.length)
                .extract().asByteArray();
        assertArrayEquals(Arrays.copyOfRange(layer, 6291456, 6291556), part);
        given().head("/v2/t/s3-push/blobs/" + layerDigest).then().statusCode(200)
                .header("Content-Length", String.valueOf(layer.length));
        given().accept("application/vnd.docker.distribution.manifest.v2+json").get("/v2/t/s3-push/manifests/v1")
                .then().statusCode(200).header("Docker-Content-Digest", manifest.toString());
        given().get("/v2/t/s3-push/tags/list").then().statusCode(200).body("tags[0]", equalTo("v1"));
        given().get("/v2/t/s3-push/blobs/" + Digest.sha256(new byte[] {1})).then().statusCode(404)
                .body("errors[0].code", equalTo("BLOB_UNKNOWN"));
    }

    @Test
    void coldBlobsPullThroughOnceForConcurrentClientsAndAreStoredIntact() throws Exception {
        RegistryHttp upstream = new RegistryHttp(System.getProperty("slipway.t.hub.url"), null, null);
        byte[] layer = random(9 * 1024 * 1024, 2);
        upstream.pushImage("t/s3-cold", "v1", layer);
        Digest digest = Digest.sha256(layer);
        String path = "/v2/hub/t/s3-cold/blobs/" + digest;
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<byte[]>> pulls = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                pulls.add(pool.submit(() -> given().get(path).then().statusCode(200)
                        .header("Docker-Content-Digest", digest.toString()).extract().asByteArray()));
            }
            for (Future<byte[]> f : pulls) {
                assertEquals(digest, Digest.sha256(f.get(120, TimeUnit.SECONDS)), "every client got the blob");
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, upstreamRequests("GET", "/v2/t/s3-cold/blobs/" + digest), "one upstream download");
        Path stored = object(StorageLayout.blobData(digest));
        assertEquals(digest, Digest.sha256(Files.readAllBytes(stored)), "the bucket holds the verified blob");
        assertArrayEquals(layer, given().get(path).then().statusCode(200).extract().asByteArray());
        assertEquals(1, upstreamRequests("GET", "/v2/t/s3-cold/blobs/" + digest), "then served from the bucket");
        // The last reader lets go of the download's temp file just after its response ended: allow it a moment.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (pullTempFiles() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(0, pullTempFiles(), "the downloads' own temp files are gone once their readers are done");
    }

    private static long pullTempFiles() throws Exception {
        try (var temps = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return temps.filter(p -> p.getFileName().toString().startsWith("slipway-pull-")).count();
        }
    }

    @Test
    void skopeoCopiesAnImageThroughTheS3BackedMirror() throws Exception {
        Requirements.require(Part.SKOPEO);
        RegistryHttp upstream = new RegistryHttp(System.getProperty("slipway.t.hub.url"), null, null);
        upstream.pushImage("t/s3-skopeo", "v1", random(3 * 1024 * 1024, 3));
        Path dest = Files.createTempDirectory("slipway-t-s3-skopeo");
        try {
            Processes.Result r = Processes.exec(180, "skopeo", "copy", "--src-tls-verify=false",
                    "docker://127.0.0.1:" + RestAssured.port + "/hub/t/s3-skopeo:v1", "dir:" + dest);
            assertTrue(r.ok(), r.output());
            // skopeo verified every digest; again, now entirely from the bucket:
            Processes.Result again = Processes.exec(180, "skopeo", "copy", "--src-tls-verify=false",
                    "docker://127.0.0.1:" + RestAssured.port + "/hub/t/s3-skopeo:v1", "dir:" + dest + "-2");
            assertTrue(again.ok(), again.output());
        } finally {
            Processes.exec(30, "rm", "-rf", dest.toString(), dest + "-2");
        }
    }
}
