package io.slipway.mirror.storage;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.slipway.mirror.registry.Digest;
import io.slipway.mirror.support.RegistryHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@code MIRROR_STORAGE_S3_REDIRECT=true}: blob GETs answer 307 to a presigned URL; the bytes come from S3. */
@QuarkusTest
@QuarkusTestResource(value = S3StoreResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "redirect", value = "true"))
class S3RedirectTest {

    @Test
    void blobGetsRedirectToAPresignedUrlThatServesTheBlob() throws Exception {
        byte[] blob = new byte[300_000];
        new Random(4).nextBytes(blob);
        Digest d = new RegistryHttp("http://127.0.0.1:" + RestAssured.port, "slipway", "test-secret")
                .pushBlob("t/s3-redirect", blob);
        String location = given().redirects().follow(false).get("/v2/t/s3-redirect/blobs/" + d)
                .then().statusCode(307)
                .header("Docker-Content-Digest", d.toString())
                .header("Location", startsWith(System.getProperty("slipway.t.s3.endpoint") + "/"))
                .extract().header("Location");
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(location))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertArrayEquals(blob, r.body());
        // Docker and skopeo follow the redirect: the same through RestAssured, which follows it too.
        assertArrayEquals(blob, given().get("/v2/t/s3-redirect/blobs/" + d).then().statusCode(200)
                .extract().asByteArray());
        given().head("/v2/t/s3-redirect/blobs/" + d).then().statusCode(200);
    }
}
