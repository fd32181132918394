package io.slipway.gateway.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.slipway.gateway.store.JobStore;
import io.slipway.gateway.testing.ModelStack;
import io.slipway.testsupport.Oip;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every bad submission gets a clear problem+json answer and stores nothing. */
@QuarkusTest
@WithTestResource(ModelStack.class)
class BadInputTest {

    @Inject
    JobStore store;

    @BeforeEach
    void modelMetadataKnown() {
        await().atMost(Duration.ofSeconds(30)).until(() -> given().get("/models").then().extract()
                .<Boolean>path("models.find { it.name == 'sample-model' }.metadata"));
    }

    private long storedJobs() {
        return store.countByModelAndStatus().values().stream()
                .flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum();
    }

    private void refused(String body, int status, String title, String detail) {
        long before = storedJobs();
        given().contentType("application/json").body(body).post("/jobs").then()
                .statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("title", equalTo(title))
                .body("detail", containsString(detail));
        assertEquals(before, storedJobs(), "nothing may be stored for a refused submission");
    }

    @Test
    void malformedOrMissingFields() {
        refused("{\"model\":", 400, "Malformed JSON", "end-of-input");
        refused("[1,2]", 400, "Invalid submission", "JSON object");
        refused("{\"input\":{}}", 400, "Invalid submission", "'model'");
        refused("{\"model\":\"sample-model\"}", 400, "Invalid submission", "'input'");
        refused(Oip.job("sample-model", Oip.request(new double[][] {{1, 2, 3, 4}}, 0))
                .replaceFirst("\\{", "{\"timeoutSeconds\":0,"), 400, "Invalid submission", "timeoutSeconds");
    }

    @Test
    void unknownOrInvalidModel() {
        refused(Oip.job("no-such-model", Oip.request(new double[][] {{1, 2, 3, 4}}, 0)), 404, "Unknown model",
                "no-such-model");
        refused(Oip.job("../etc", Oip.request(new double[][] {{1, 2, 3, 4}}, 0)), 400, "Invalid model name",
                "got '../etc'");
    }

    @Test
    void wrongTensorShapesAndTypes() {
        refused(Oip.job("sample-model", "{\"inputs\":[{\"name\":\"input\",\"shape\":[2,4],\"datatype\":\"FP32\","
                + "\"data\":[1,2,3,4]}]}"), 400, "Invalid inference request", "needs 8 values");
        refused(Oip.job("sample-model", "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,3],\"datatype\":\"FP32\","
                + "\"data\":[1,2,3]}]}"), 400, "Invalid inference request", "does not fit the model's [-1,4]");
        refused(Oip.job("sample-model", "{\"inputs\":[{\"name\":\"pixels\",\"shape\":[1,4],\"datatype\":\"FP32\","
                + "\"data\":[1,2,3,4]}]}"), 400, "Invalid inference request", "has no input 'pixels'");
        refused(Oip.job("sample-model", "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\","
                + "\"data\":[1,\"x\",3,4]}]}"), 400, "Invalid inference request", "not a FP32 value");
        refused(Oip.job("sample-model", "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP99\","
                + "\"data\":[1,2,3,4]}]}"), 400, "Invalid inference request", "datatype");
        refused(Oip.job("sample-model", "{\"inputs\":[]}"), 400, "Invalid inference request", "non-empty");
    }

    @Test
    void badMappingsAndUnmappableInput() {
        refused("{\"model\":\"sample-model\",\"input\":{\"x0\":1},\"mapping\":{\"inputs\":[]}}", 400,
                "Invalid mapping or input", "non-empty");
        refused("{\"model\":\"sample-model\",\"input\":{\"x0\":1,\"x1\":2,\"x2\":3}}", 400,
                "Invalid mapping or input", "no field 'x3'");
        refused("{\"model\":\"sample-model\",\"input\":{\"x0\":1,\"x1\":2,\"x2\":3,\"x3\":\"four\"}}", 400,
                "Invalid mapping or input", "not a FP32 value");
        refused("{\"model\":\"broken-model\",\"input\":{\"x0\":1}}", 400, "Invalid inference request",
                "has no mapping");
    }

    @Test
    void webhooksOutsideTheAllowListAreRefused() {
        String job = Oip.job("sample-model", Oip.request(new double[][] {{1, 2, 3, 4}}, 0));
        refused(job.replaceFirst("\\{", "{\"webhook\":\"http://169.254.169.254/latest\","), 400,
                "Webhook host not allowed", "169.254.169.254");
        refused(job.replaceFirst("\\{", "{\"webhook\":\"file:///etc/passwd\","), 400, "Invalid webhook", "http(s)");
        refused(job.replaceFirst("\\{", "{\"webhook\":\"http://user:pw@127.0.0.1/x\","), 400, "Invalid webhook",
                "user info");
    }

    @Test
    void bodiesOverTheLimitAre413() {
        long before = storedJobs();
        String padding = "x".repeat(10 * 1024 * 1024 + 1);
        given().contentType("application/json").body("{\"model\":\"sample-model\",\"pad\":\"" + padding + "\"}")
                .post("/jobs").then().statusCode(413).contentType("application/problem+json")
                .body("title", equalTo("Body too large"));
        assertEquals(before, storedJobs());
    }

    @Test
    void chunkedBodiesOverTheLimitAre413ProblemsAndSmallOnesAreAccepted() throws Exception {
        long before = storedJobs();
        String padding = "x".repeat(10 * 1024 * 1024 + 1);
        for (String path : new String[] {"/jobs", "/v2/models/sample-model/infer"}) {
            HttpResponse<String> r = postChunked(path, "{\"model\":\"sample-model\",\"pad\":\"" + padding + "\"}");
            assertEquals(413, r.statusCode(), path);
            assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""), path);
            assertTrue(r.body().contains("Body too large"), r.body());
        }
        assertEquals(before, storedJobs(), "nothing stored for an oversized chunked body");
        HttpResponse<String> ok = postChunked("/jobs", Oip.job("sample-model", Oip.request(new double[][] {{1, 2, 3, 4}},
                0)));
        assertEquals(202, ok.statusCode(), ok.body());
    }

    /** No Content-Length: the JDK client sends a body of unknown length with Transfer-Encoding: chunked. */
    private static HttpResponse<String> postChunked(String path, String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RestAssured.port + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))).build();
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void badIdsAndQueries() {
        String job = Oip.job("sample-model", Oip.request(new double[][] {{1, 2, 3, 4}}, 0));
        given().contentType("application/json").body(job).put("/jobs/-bad-").then().statusCode(400)
                .contentType("application/problem+json").body("title", equalTo("Invalid job id"));
        given().queryParam("limit", 0).get("/jobs").then().statusCode(400)
                .body("title", equalTo("Invalid query parameter"))
                .body("detail", containsString("limit must be 1..500"));
        given().contentType("text/plain").body("hello").post("/jobs").then().statusCode(415)
                .contentType("application/problem+json");
        given().get("/jobs/" + UUID.randomUUID() + "/result").then().statusCode(404);
    }
}
