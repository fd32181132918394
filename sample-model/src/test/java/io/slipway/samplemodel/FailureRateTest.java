package io.slipway.samplemodel;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.slipway.testsupport.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A model set to fail half its requests answers every second inference with 500 and an OIP error body. */
@QuarkusTest
@TestProfile(FailureRateTest.HalfFail.class)
class FailureRateTest {

    private static final String BODY =
            "{\"inputs\":[{\"name\":\"x\",\"shape\":[4],\"datatype\":\"FP32\",\"data\":[0,0,0,0]}]}";

    public static class HalfFail implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sample-model.failure-rate", "0.5");
        }
    }

    @Test
    void everySecondInferenceFailsWithAnOipError() {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            statuses.add(given().contentType("application/json").body(BODY)
                    .when().post("/v2/models/sample-model/infer").then().extract().statusCode());
        }
        assertEquals(List.of(200, 500, 200, 500, 200, 500), statuses);
        given().contentType("application/json").body(BODY).when().post("/v2/models/sample-model/infer")
                .then().statusCode(200);
        given().contentType("application/json").body(BODY).when().post("/v2/models/sample-model/infer")
                .then().statusCode(500).contentType("application/json")
                .body("error", containsString("failure-rate"));
        // deploy-controller's canary reads these answers from the model's own counters (TrafficCheck.inferTally).
        // The server counts an answer once it is written, which can be just after the client has read it.
        String errors = "http_server_requests_seconds_count{method=\"POST\",outcome=\"SERVER_ERROR\","
                + "status=\"500\",uri=\"/v2/models/{name}/infer\"} 4.0";
        String answers = "status=\"200\",uri=\"/v2/models/{name}/infer\"} 4.0";
        AtomicReference<String> metrics = new AtomicReference<>("");
        Await.until("4 answers and 4 errors counted", Duration.ofSeconds(30), () -> {
            metrics.set(given().when().get("/q/metrics").then().statusCode(200).extract().asString());
            return metrics.get().contains(errors) && metrics.get().contains(answers);
        }, () -> false, metrics::get);
        // Health stays up: a failing model is still served, so only its error rate tells it apart.
        given().when().get("/v2/health/ready").then().statusCode(200);
    }
}
