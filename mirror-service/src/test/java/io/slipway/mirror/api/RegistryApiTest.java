package io.slipway.mirror.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.slipway.mirror.registry.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The registry API over HTTP: uploads, manifests, tags, catalog, ranges, auth, and every bad input. */
@QuarkusTest
class RegistryApiTest {

    static final String USER = "slipway";
    static final String PASSWORD = "test-secret";
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

    static RequestSpecification pusher() {
        return given().auth().preemptive().basic(USER, PASSWORD);
    }

    static String repo() {
        return "t/api-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static byte[] random(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    static Digest push(String repo, byte[] blob) {
        Digest d = Digest.sha256(blob);
        pusher().body(blob).contentType("application/octet-stream")
                .post("/v2/" + repo + "/blobs/uploads/?digest=" + d)
                .then().statusCode(201).header("Docker-Content-Digest", d.toString());
        return d;
    }

    static String imageManifest(Digest config, int configSize, Digest layer, int layerSize) {
        return """
                {"schemaVersion":2,"mediaType":"%s",
                 "config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":%d,"digest":"%s"},
                 "layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":%d,"digest":"%s"}]}
                """.formatted(DOCKER_MANIFEST, configSize, config, layerSize, layer);
    }

    @Test
    void baseEndpointChallengesWithBearerAndAcceptsTokensAndBasic() {
        given().get("/v2/").then().statusCode(401)
                .header("Docker-Distribution-API-Version", "registry/2.0")
                .header("WWW-Authenticate", startsWith("Bearer realm=\"http://"))
                .body("errors[0].code", equalTo("UNAUTHORIZED"));
        pusher().get("/v2/").then().statusCode(200).header("Docker-Distribution-API-Version", "registry/2.0");
        String anonymous = given().get("/auth/token").then().statusCode(200).extract().path("token");
        given().header("Authorization", "Bearer " + anonymous).get("/v2/").then().statusCode(200);
        given().auth().preemptive().basic(USER, "wrong").get("/auth/token").then().statusCode(401)
                .body("errors[0].code", equalTo("UNAUTHORIZED"));
        given().header("Authorization", "Bearer forged.token").get("/v2/").then().statusCode(401);
    }

    @Test
    void pushNeedsCredentialsAnonymousTokenCannotPush() {
        String repo = repo();
        given().post("/v2/" + repo + "/blobs/uploads/").then().statusCode(401)
                .header("WWW-Authenticate", containsString("scope=\"repository:" + repo + ":pull,push\""))
                .body("errors[0].code", equalTo("UNAUTHORIZED"));
        String anonymous = given().get("/auth/token").then().extract().path("token");
        given().header("Authorization", "Bearer " + anonymous).post("/v2/" + repo + "/blobs/uploads/")
                .then().statusCode(401);
        String user = pusher().get("/auth/token").then().extract().path("token");
        given().header("Authorization", "Bearer " + user).post("/v2/" + repo + "/blobs/uploads/")
                .then().statusCode(202);
        given().delete("/v2/" + repo + "/manifests/latest").then().statusCode(401);
    }

    @Test
    void monolithicAndChunkedUploadsThenManifestByTagAndDigest() {
        String repo = repo();
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
        Digest configDigest = push(repo, config);

        byte[] layer = random(300_000);
        Digest layerDigest = Digest.sha256(layer);
        Response start = pusher().post("/v2/" + repo + "/blobs/uploads/");
        start.then().statusCode(202).header("Range", "0-0").header("Docker-Upload-UUID", not(equalTo(null)));
        String location = start.header("Location");
        Response first = pusher().header("Content-Range", "0-99999").contentType("application/octet-stream")
                .body(Arrays.copyOfRange(layer, 0, 100_000)).patch(location);
        first.then().statusCode(202).header("Range", "0-99999");
        pusher().get(first.header("Location")).then().statusCode(204).header("Range", "0-99999");
        // Out of order: must start at 100000.
        pusher().header("Content-Range", "5-10").contentType("application/octet-stream")
                .body(new byte[6]).patch(location).then().statusCode(416)
                .body("errors[0].code", equalTo("BLOB_UPLOAD_INVALID"));
        pusher().contentType("application/octet-stream").body(Arrays.copyOfRange(layer, 100_000, 250_000))
                .patch(location).then().statusCode(202).header("Range", "0-249999");
        pusher().contentType("application/octet-stream").body(Arrays.copyOfRange(layer, 250_000, layer.length))
                .put(location + "?digest=" + layerDigest).then().statusCode(201)
                .header("Location", "/v2/" + repo + "/blobs/" + layerDigest)
                .header("Docker-Content-Digest", layerDigest.toString());
        pusher().get(location).then().statusCode(404).body("errors[0].code", equalTo("BLOB_UPLOAD_UNKNOWN"));

        byte[] got = given().get("/v2/" + repo + "/blobs/" + layerDigest).then().statusCode(200)
                .header("Docker-Content-Digest", layerDigest.toString()).extract().asByteArray();
        assertArrayEquals(layer, got);
        given().head("/v2/" + repo + "/blobs/" + layerDigest).then().statusCode(200)
                .header("Content-Length", String.valueOf(layer.length));

        String manifest = imageManifest(configDigest, config.length, layerDigest, layer.length);
        Digest manifestDigest = Digest.sha256(manifest.getBytes(StandardCharsets.UTF_8));
        pusher().contentType(DOCKER_MANIFEST).body(manifest).put("/v2/" + repo + "/manifests/v1")
                .then().statusCode(201).header("Docker-Content-Digest", manifestDigest.toString())
                .header("Location", "/v2/" + repo + "/manifests/" + manifestDigest);
        for (String ref : new String[] {"v1", manifestDigest.toString()}) {
            given().get("/v2/" + repo + "/manifests/" + ref).then().statusCode(200)
                    .contentType(DOCKER_MANIFEST).header("Docker-Content-Digest", manifestDigest.toString())
                    .body(equalTo(manifest));
            given().head("/v2/" + repo + "/manifests/" + ref).then().statusCode(200)
                    .header("Content-Length", String.valueOf(manifest.getBytes(StandardCharsets.UTF_8).length))
                    .header("Docker-Content-Digest", manifestDigest.toString());
        }

        // An OCI index over that manifest.
        String index = """
                {"schemaVersion":2,"mediaType":"%s","manifests":[{"mediaType":"%s","size":%d,"digest":"%s",
                 "platform":{"architecture":"amd64","os":"linux"}}]}""".formatted(OCI_INDEX, DOCKER_MANIFEST,
                manifest.length(), manifestDigest);
        pusher().contentType(OCI_INDEX).body(index).put("/v2/" + repo + "/manifests/multi").then().statusCode(201);
        given().get("/v2/" + repo + "/manifests/multi").then().statusCode(200).contentType(OCI_INDEX);

        // Cross-repository mount.
        String other = repo();
        pusher().post("/v2/" + other + "/blobs/uploads/?mount=" + layerDigest + "&from=" + repo)
                .then().statusCode(201).header("Docker-Content-Digest", layerDigest.toString());
        given().head("/v2/" + other + "/blobs/" + layerDigest).then().statusCode(200);
        // A mount of a blob the source lacks starts an ordinary upload.
        pusher().post("/v2/" + other + "/blobs/uploads/?mount=" + Digest.sha256(new byte[] {1}) + "&from=" + repo)
                .then().statusCode(202);

        // Delete the tag, then the revision.
        pusher().delete("/v2/" + repo + "/manifests/multi").then().statusCode(202);
        given().get("/v2/" + repo + "/manifests/multi").then().statusCode(404)
                .body("errors[0].code", equalTo("MANIFEST_UNKNOWN"));
        pusher().delete("/v2/" + repo + "/manifests/" + manifestDigest).then().statusCode(202);
        given().get("/v2/" + repo + "/manifests/v1").then().statusCode(404);
        pusher().delete("/v2/" + other + "/blobs/" + layerDigest).then().statusCode(202);
        given().get("/v2/" + other + "/blobs/" + layerDigest).then().statusCode(404)
                .body("errors[0].code", equalTo("BLOB_UNKNOWN"));
        given().get("/v2/" + repo + "/blobs/" + layerDigest).then().statusCode(200);
    }

    @Test
    void rangeRequests() {
        String repo = repo();
        byte[] blob = random(10_000);
        Digest d = push(repo, blob);
        byte[] part = given().header("Range", "bytes=100-199").get("/v2/" + repo + "/blobs/" + d)
                .then().statusCode(206).header("Content-Range", "bytes 100-199/10000")
                .header("Content-Length", "100").extract().asByteArray();
        assertArrayEquals(Arrays.copyOfRange(blob, 100, 200), part);
        byte[] tail = given().header("Range", "bytes=-10").get("/v2/" + repo + "/blobs/" + d)
                .then().statusCode(206).extract().asByteArray();
        assertArrayEquals(Arrays.copyOfRange(blob, 9990, 10000), tail);
        given().header("Range", "bytes=10000-10005").get("/v2/" + repo + "/blobs/" + d)
                .then().statusCode(416).header("Content-Range", "bytes */10000")
                .body("errors[0].code", equalTo("RANGE_INVALID"));
        given().header("Range", "bytes=50-10").get("/v2/" + repo + "/blobs/" + d).then().statusCode(416);
    }

    @Test
    void tagsAndCatalogPaginate() {
        String repo = "t/pages-" + UUID.randomUUID().toString().substring(0, 8);
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        Digest c = push(repo, config);
        Digest l = push(repo, random(10));
        String manifest = imageManifest(c, config.length, l, 10);
        for (String tag : new String[] {"c", "a", "b", "d"}) {
            pusher().contentType(DOCKER_MANIFEST).body(manifest).put("/v2/" + repo + "/manifests/" + tag)
                    .then().statusCode(201);
        }
        given().get("/v2/" + repo + "/tags/list").then().statusCode(200)
                .body("name", equalTo(repo)).body("tags", contains("a", "b", "c", "d"));
        given().get("/v2/" + repo + "/tags/list?n=2").then().statusCode(200).body("tags", contains("a", "b"))
                .header("Link", "</v2/" + repo + "/tags/list?n=2&last=b>; rel=\"next\"");
        given().get("/v2/" + repo + "/tags/list?n=2&last=b").then().statusCode(200).body("tags", contains("c", "d"));
        given().get("/v2/" + repo + "/tags/list?n=-1").then().statusCode(400)
                .body("errors[0].code", equalTo("PAGINATION_NUMBER_INVALID"));
        given().get("/v2/t/never-pushed/tags/list").then().statusCode(404)
                .body("errors[0].code", equalTo("NAME_UNKNOWN"));
        String second = repo + "-b";
        push(second, config);
        push(second, random(10));
        pusher().contentType(DOCKER_MANIFEST).body(manifest).put("/v2/" + second + "/manifests/x")
                .then().statusCode(201);
        given().get("/v2/_catalog").then().statusCode(200).body("repositories", hasItem(repo))
                .body("repositories", hasItem(second));
        given().get("/v2/_catalog?n=1").then().statusCode(200).header("Link", containsString("rel=\"next\""));
    }

    @Test
    void invalidNamesAreRejected() {
        for (String bad : new String[] {"Upper/case", "a/..%2Fx", "..%2Fx", "a/%2E%2E%2Fx", "-x", "a_-b",
                "x".repeat(256)}) {
            Response r = given().urlEncodingEnabled(false).get("/v2/" + bad + "/manifests/latest");
            assertEquals(400, r.statusCode(), bad + ": " + r.asString());
            r.then().body("errors[0].code", equalTo("NAME_INVALID"));
            pusher().urlEncodingEnabled(false).post("/v2/" + bad + "/blobs/uploads/").then().statusCode(400)
                    .body("errors[0].code", equalTo("NAME_INVALID"));
        }
        // Dot segments in the path itself are resolved by the HTTP layer before routing: they never reach a name.
        given().urlEncodingEnabled(false).get("/v2/%2E%2E/%2E%2E/x/manifests/latest").then().statusCode(404);
        // A reference that is no valid tag names no manifest: 404 on reads (distribution-spec conformance), while a
        // push to it is refused as TAG_INVALID.
        given().get("/v2/a/manifests/bad%20tag").then().statusCode(404)
                .body("errors[0].code", equalTo("MANIFEST_UNKNOWN"));
        given().head("/v2/a/manifests/.INVALID_MANIFEST_NAME").then().statusCode(404);
        pusher().contentType(DOCKER_MANIFEST).body("{}").put("/v2/a/manifests/bad%20tag").then().statusCode(400)
                .body("errors[0].code", equalTo("TAG_INVALID"));
        given().get("/v2/a/blobs/sha256:xyz").then().statusCode(400).body("errors[0].code", equalTo("DIGEST_INVALID"));
        given().get("/v2/a/blobs/md5:" + "0".repeat(32)).then().statusCode(400)
                .body("errors[0].code", equalTo("DIGEST_INVALID"));
    }

    @Test
    void badUploadsStoreNothing() throws Exception {
        String repo = repo();
        byte[] blob = random(5000);
        Digest wrong = Digest.sha256(new byte[] {42});
        pusher().body(blob).contentType("application/octet-stream").post("/v2/" + repo + "/blobs/uploads/?digest=" + wrong)
                .then().statusCode(400).body("errors[0].code", equalTo("DIGEST_INVALID"));
        given().head("/v2/" + repo + "/blobs/" + wrong).then().statusCode(404);
        given().head("/v2/" + repo + "/blobs/" + Digest.sha256(blob)).then().statusCode(404);
        assertFalse(blobFileExists(Digest.sha256(blob)), "nothing stored for a digest mismatch");

        pusher().body(blob).contentType("application/octet-stream")
                .post("/v2/" + repo + "/blobs/uploads/?digest=sha256:abc").then().statusCode(400)
                .body("errors[0].code", equalTo("DIGEST_INVALID"));

        String location = pusher().post("/v2/" + repo + "/blobs/uploads/").header("Location");
        pusher().body(blob).contentType("application/octet-stream").patch(location).then().statusCode(202);
        pusher().contentType("application/octet-stream").put(location + "?digest=" + wrong).then().statusCode(400)
                .body("errors[0].code", equalTo("DIGEST_INVALID"));
        assertFalse(blobFileExists(Digest.sha256(blob)));

        String unknown = "/v2/" + repo + "/blobs/uploads/" + UUID.randomUUID();
        pusher().body(blob).contentType("application/octet-stream").patch(unknown).then().statusCode(404)
                .body("errors[0].code", equalTo("BLOB_UPLOAD_UNKNOWN"));
        pusher().contentType("application/octet-stream").put(unknown + "?digest=" + Digest.sha256(blob))
                .then().statusCode(404).body("errors[0].code", equalTo("BLOB_UPLOAD_UNKNOWN"));
        pusher().get("/v2/" + repo + "/blobs/uploads/not-a-uuid").then().statusCode(404)
                .body("errors[0].code", equalTo("BLOB_UPLOAD_UNKNOWN"));
        pusher().delete("/v2/" + repo + "/blobs/uploads/" + UUID.randomUUID()).then().statusCode(404);
    }

    @Test
    void badManifestsStoreNothing() {
        String repo = repo();
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        Digest c = push(repo, config);
        Digest missing = Digest.sha256("not pushed".getBytes(StandardCharsets.UTF_8));
        String manifest = imageManifest(c, config.length, missing, 10);
        pusher().contentType(DOCKER_MANIFEST).body(manifest).put("/v2/" + repo + "/manifests/v1")
                .then().statusCode(400).body("errors[0].code", equalTo("MANIFEST_BLOB_UNKNOWN"))
                .body("errors[0].detail", containsString(missing.toString()));
        given().get("/v2/" + repo + "/manifests/v1").then().statusCode(404);
        given().get("/v2/" + repo + "/manifests/" + Digest.sha256(manifest.getBytes(StandardCharsets.UTF_8)))
                .then().statusCode(404);

        String index = """
                {"schemaVersion":2,"mediaType":"%s","manifests":[{"mediaType":"%s","size":1,"digest":"%s"}]}"""
                .formatted(OCI_INDEX, DOCKER_MANIFEST, missing);
        pusher().contentType(OCI_INDEX).body(index).put("/v2/" + repo + "/manifests/idx").then().statusCode(400)
                .body("errors[0].code", equalTo("MANIFEST_BLOB_UNKNOWN"));

        pusher().contentType(DOCKER_MANIFEST).body("{not json").put("/v2/" + repo + "/manifests/v1")
                .then().statusCode(400).body("errors[0].code", equalTo("MANIFEST_INVALID"));
        pusher().contentType(OCI_INDEX).body(manifest).put("/v2/" + repo + "/manifests/v1")
                .then().statusCode(400).body("errors[0].code", equalTo("MANIFEST_INVALID"));

        byte[] huge = new byte[4 * 1024 * 1024 + 10];
        Arrays.fill(huge, (byte) ' ');
        pusher().contentType(DOCKER_MANIFEST).body(huge).put("/v2/" + repo + "/manifests/big")
                .then().statusCode(413).body("errors[0].code", equalTo("MANIFEST_INVALID"));

        Digest other = Digest.sha256("x".getBytes(StandardCharsets.UTF_8));
        Digest l = push(repo, "layer".getBytes(StandardCharsets.UTF_8));
        String good = imageManifest(c, config.length, l, 5);
        pusher().contentType(DOCKER_MANIFEST).body(good).put("/v2/" + repo + "/manifests/" + other)
                .then().statusCode(400).body("errors[0].code", equalTo("DIGEST_INVALID"));
        given().get("/v2/" + repo + "/tags/list").then().statusCode(404);
    }

    private static boolean blobFileExists(Digest d) throws Exception {
        Path root = Path.of("target/registry-test/blobs/sha256");
        if (!Files.exists(root)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.anyMatch(p -> p.toString().contains(d.hex()));
        }
    }
}
