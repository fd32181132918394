package io.slipway.gateway.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.slipway.gateway.testing.ModelStack;
import io.slipway.testsupport.Oip;
import org.junit.jupiter.api.Test;

/** Which failures are retried (5xx from nginx: no model behind it) and which are final (4xx, timeouts). */
@QuarkusTest
@WithTestResource(ModelStack.class)
class RetryAndTimeoutTest {

    @Test
    void modelThatNeverAnswersIsRetriedWithBackoffThenFails() {
        String id = JobsApiTest.submit(Oip.job("broken-model", Oip.request(new double[][] {{1, 2, 3, 4}}, 0)));
        JobsApiTest.awaitStatus(id, "failed");
        given().get("/jobs/" + id).then()
                .body("attempts", equalTo(3))
                .body("error", containsString("gave up after 3 attempts"))
                .body("error", containsString("HTTP 502"));
        given().get("/q/metrics").then().body(containsString("gateway_jobs_retries_total{model=\"broken-model\"}"));
    }

    @Test
    void modelRefusalIsNotRetried() {
        // 20000 rows pass the gateway's checks but the sample model takes at most 10000.
        double[][] rows = new double[20_000][4];
        String id = JobsApiTest.submit(Oip.job("sample-model", Oip.request(rows, 0)));
        JobsApiTest.awaitStatus(id, "failed");
        given().get("/jobs/" + id).then()
                .body("attempts", equalTo(1))
                .body("error", containsString("HTTP 400"));
    }

    @Test
    void jobOverItsTimeoutFails() {
        String body = Oip.job("sample-model", Oip.request(new double[][] {{1, 2, 3, 4}}, 5000))
                .replaceFirst("\\{", "{\"timeoutSeconds\":1,");
        String id = JobsApiTest.submit(body);
        JobsApiTest.awaitStatus(id, "failed");
        given().get("/jobs/" + id).then()
                .body("attempts", equalTo(1))
                .body("timeoutSeconds", equalTo(1))
                .body("error", containsString("did not answer within 1 s"));
    }
}
