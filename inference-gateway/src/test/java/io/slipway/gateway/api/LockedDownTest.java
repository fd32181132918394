package io.slipway.gateway.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;
import io.slipway.gateway.auth.ApiKeys;
import io.slipway.gateway.testing.ModelStack;
import io.slipway.testsupport.Oip;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** API keys, backpressure and the result size limit, on a gateway configured tightly. */
@QuarkusTest
@WithTestResource(ModelStack.class)
@TestProfile(LockedDownTest.Tight.class)
class LockedDownTest {

    static final String KEY = "test-key-0123456789";

    public static class Tight implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "gateway.auth.api-key-hashes", ApiKeys.hash("some-other-key") + "," + ApiKeys.hash(KEY),
                    "gateway.model.\"sample-model\".concurrency", "1",
                    "gateway.model.\"sample-model\".max-queue-depth", "3",
                    "gateway.dispatch.retry-after", "7s",
                    "gateway.max-result-size", "600");
        }
    }

    private static RequestSpecification authed() {
        return given().header("Authorization", "Bearer " + KEY);
    }

    private static String submit(String body) {
        return authed().contentType("application/json").body(body).post("/jobs").then().statusCode(202)
                .extract().path("id");
    }

    private static void awaitStatus(String id, String status) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() ->
                authed().get("/jobs/" + id).then().statusCode(200).extract().path("status").equals(status));
    }

    @Test
    void apiNeedsAKeyButHealthAndMetricsDoNot() {
        given().get("/jobs").then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Bearer"));
        given().header("Authorization", "Bearer wrong").get("/jobs").then().statusCode(401);
        given().header("Authorization", "Basic " + KEY).get("/models").then().statusCode(401);
        given().contentType("application/json").body("{}").post("/v2/models/sample-model/infer").then()
                .statusCode(401);
        authed().get("/jobs").then().statusCode(200);
        given().header("Authorization", "Bearer " + KEY.toUpperCase()).get("/jobs").then().statusCode(401);
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
    }

    @Test
    void pagesOpenWithoutAKeyButWhatTheySubmitOrListNeedsIt() {
        given().get("/").then().statusCode(200).contentType(containsString("text/html"));
        given().get("/AddJob").then().statusCode(200).body(containsString("id=\"api-key\""));
        given().redirects().follow(true).get("/swagger").then().statusCode(200);
        given().get("/AddJob/jobs").then().statusCode(401).contentType("application/problem+json");
        given().multiPart("model", "sample-model").multiPart("input", "{}").post("/AddJob/jobs").then()
                .statusCode(401);
        given().post("/AddJob").then().statusCode(401);
        authed().get("/AddJob/jobs").then().statusCode(200).contentType(containsString("text/html"));
    }

    @Test
    void fullQueueAnswers429WithRetryAfterAndAcceptedJobsStillComplete() {
        List<String> accepted = new ArrayList<>();
        accepted.add(submit(Oip.job("sample-model", Oip.request(new double[][] {{1, 1, 1, 1}}, 5000))));
        awaitStatus(accepted.get(0), "running");
        for (int i = 0; i < 3; i++) {
            accepted.add(submit(Oip.job("sample-model", Oip.request(new double[][] {{i, 0, 0, 0}}, 100))));
        }
        authed().contentType("application/json")
                .body(Oip.job("sample-model", Oip.request(new double[][] {{9, 9, 9, 9}}, 0)))
                .post("/jobs").then().statusCode(429).contentType("application/problem+json")
                .header("Retry-After", "7")
                .body("title", equalTo("Queue full"));
        for (String id : accepted) {
            awaitStatus(id, "succeeded");
        }
        given().get("/q/metrics").then()
                .body(containsString("gateway_jobs_rejected_total{model=\"sample-model\",reason=\"queue_full\"}"));
    }

    @Test
    void resultsOverTheSizeLimitFailClearly() {
        String small = submit(Oip.job("sample-model", Oip.request(new double[][] {{1, 1, 1, 1}}, 0)));
        String big = submit(Oip.job("sample-model", Oip.request(new double[50][4], 0)));
        awaitStatus(small, "succeeded");
        awaitStatus(big, "failed");
        authed().get("/jobs/" + big).then().body("error", containsString("over the limit of 600 bytes"));
        authed().get("/jobs/" + big + "/result").then().statusCode(409);
    }
}
