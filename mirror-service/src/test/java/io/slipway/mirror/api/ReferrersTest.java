package io.slipway.mirror.api;

import static io.slipway.mirror.api.RegistryApiTest.push;
import static io.slipway.mirror.api.RegistryApiTest.pusher;
import static io.slipway.mirror.api.RegistryApiTest.repo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.slipway.mirror.registry.Digest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** OCI 1.1: manifests that name a {@code subject} (signatures, SBOMs) are listed by the referrers API. */
@QuarkusTest
class ReferrersTest {

    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String EMPTY = "application/vnd.oci.empty.v1+json";
    static final String SIGNATURE = "application/vnd.example.signature.v1";
    static final String SBOM = "application/spdx+json";

    record Pushed(Digest digest, int size) {}

    private static Pushed putManifest(String repo, String reference, String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        Digest d = Digest.sha256(bytes);
        pusher().contentType(OCI_MANIFEST).body(bytes).put("/v2/" + repo + "/manifests/" + reference)
                .then().statusCode(201).header("Docker-Content-Digest", d.toString());
        return new Pushed(d, bytes.length);
    }

    /** An image: one config, one layer. */
    private static Pushed image(String repo) {
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
        byte[] layer = RegistryApiTest.random(2048);
        Digest c = push(repo, config);
        Digest l = push(repo, layer);
        String manifest = """
                {"schemaVersion":2,"mediaType":"%s",
                 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":%d,"digest":"%s"},
                 "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","size":%d,"digest":"%s"}]}
                """.formatted(OCI_MANIFEST, config.length, c, layer.length, l);
        // A push without a subject says nothing about one.
        pusher().contentType(OCI_MANIFEST).body(manifest).put("/v2/" + repo + "/manifests/v1")
                .then().statusCode(201).header("OCI-Subject", nullValue());
        byte[] bytes = manifest.getBytes(StandardCharsets.UTF_8);
        return new Pushed(Digest.sha256(bytes), bytes.length);
    }

    /** An artifact manifest about {@code subject}: empty config, one blob, artifactType and annotations. */
    private static String artifact(String repo, String artifactType, Pushed subject, String note) {
        Digest empty = push(repo, "{}".getBytes(StandardCharsets.UTF_8));
        byte[] payload = (artifactType + " of " + subject.digest()).getBytes(StandardCharsets.UTF_8);
        Digest p = push(repo, payload);
        return """
                {"schemaVersion":2,"mediaType":"%s","artifactType":"%s",
                 "config":{"mediaType":"%s","size":2,"digest":"%s"},
                 "layers":[{"mediaType":"application/octet-stream","size":%d,"digest":"%s"}],
                 "subject":{"mediaType":"%s","size":%d,"digest":"%s"},
                 "annotations":{"org.example.note":"%s"}}
                """.formatted(OCI_MANIFEST, artifactType, EMPTY, empty, payload.length, p, OCI_MANIFEST,
                subject.size(), subject.digest(), note);
    }

    @Test
    void pushesWithASubjectAreListedAsReferrersAndFilteredByArtifactType() {
        String repo = repo();
        Pushed subject = image(repo);

        String signature = artifact(repo, SIGNATURE, subject, "signed");
        byte[] sigBytes = signature.getBytes(StandardCharsets.UTF_8);
        Digest sig = Digest.sha256(sigBytes);
        pusher().contentType(OCI_MANIFEST).body(sigBytes).put("/v2/" + repo + "/manifests/" + sig)
                .then().statusCode(201).header("OCI-Subject", subject.digest().toString());
        Pushed sbom = putManifest(repo, "sbom", artifact(repo, SBOM, subject, "packages"));

        given().get("/v2/" + repo + "/referrers/" + subject.digest()).then().statusCode(200)
                .contentType(OCI_INDEX)
                .header("OCI-Filters-Applied", nullValue())
                .body("schemaVersion", equalTo(2))
                .body("mediaType", equalTo(OCI_INDEX))
                .body("manifests", hasSize(2))
                .body("manifests.digest", containsInAnyOrder(sig.toString(), sbom.digest().toString()))
                .body("manifests.artifactType", containsInAnyOrder(SIGNATURE, SBOM))
                .body("manifests.find { it.digest == '" + sig + "' }.size", equalTo(sigBytes.length))
                .body("manifests.find { it.digest == '" + sig + "' }.mediaType", equalTo(OCI_MANIFEST))
                .body("manifests.find { it.digest == '" + sig + "' }.annotations.'org.example.note'",
                        equalTo("signed"));

        given().queryParam("artifactType", SBOM).get("/v2/" + repo + "/referrers/" + subject.digest())
                .then().statusCode(200)
                .header("OCI-Filters-Applied", "artifactType")
                .body("manifests", hasSize(1))
                .body("manifests[0].digest", equalTo(sbom.digest().toString()))
                .body("manifests[0].size", equalTo(sbom.size()))
                .body("manifests[0].annotations.'org.example.note'", equalTo("packages"));
        given().queryParam("artifactType", "application/vnd.example.none")
                .get("/v2/" + repo + "/referrers/" + subject.digest())
                .then().statusCode(200).body("manifests", empty());

        // Deleting a referrer takes it off the list.
        pusher().delete("/v2/" + repo + "/manifests/" + sig).then().statusCode(202);
        given().get("/v2/" + repo + "/referrers/" + subject.digest()).then().statusCode(200)
                .body("manifests.digest", containsInAnyOrder(sbom.digest().toString()));
    }

    @Test
    void aSubjectThatIsNotPushedYetStillGetsItsReferrers() {
        String repo = repo();
        Pushed missing = new Pushed(Digest.sha256("never pushed".getBytes(StandardCharsets.UTF_8)), 12);
        given().get("/v2/" + repo + "/referrers/" + missing.digest()).then().statusCode(200)
                .body("manifests", empty());
        Pushed sbom = putManifest(repo, "sbom", artifact(repo, SBOM, missing, "early"));
        given().get("/v2/" + repo + "/referrers/" + missing.digest()).then().statusCode(200)
                .body("manifests[0].digest", equalTo(sbom.digest().toString()))
                .body("manifests[0].artifactType", equalTo(SBOM));
    }

    @Test
    void badInputIsRefusedAndStoresNothing() {
        String repo = repo();
        given().get("/v2/" + repo + "/referrers/sha256:xyz").then().statusCode(400)
                .body("errors[0].code", equalTo("DIGEST_INVALID"));
        given().get("/v2/" + repo + "/referrers/latest").then().statusCode(400)
                .body("errors[0].code", equalTo("DIGEST_INVALID"));
        Pushed subject = image(repo);
        String badSubject = """
                {"schemaVersion":2,"mediaType":"%s","config":{"mediaType":"%s","size":2,"digest":"%s"},
                 "layers":[],"subject":{"mediaType":"%s","size":1,"digest":"not-a-digest"}}
                """.formatted(OCI_MANIFEST, EMPTY, push(repo, "{}".getBytes(StandardCharsets.UTF_8)), OCI_MANIFEST);
        pusher().contentType(OCI_MANIFEST).body(badSubject).put("/v2/" + repo + "/manifests/bad")
                .then().statusCode(400).body("errors[0].code", equalTo("MANIFEST_INVALID"));
        given().get("/v2/" + repo + "/manifests/bad").then().statusCode(404)
                .body("errors[0].code", equalTo("MANIFEST_UNKNOWN"));
        given().get("/v2/" + repo + "/referrers/" + subject.digest()).then().statusCode(200)
                .body("manifests", empty());
    }
}
