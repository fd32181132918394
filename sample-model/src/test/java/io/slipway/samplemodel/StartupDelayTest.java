package io.slipway.samplemodel;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A model that is still "loading" reports not ready and refuses inference with 503. */
@QuarkusTest
@TestProfile(StartupDelayTest.SlowLoad.class)
class StartupDelayTest {

    public static class SlowLoad implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sample-model.startup-delay", "1h", "sample-model.version", "7");
        }
    }

    @Test
    void notReadyWhileLoading() {
        given().when().get("/v2/health/live").then().statusCode(200);
        given().when().get("/v2/health/ready").then().statusCode(503);
        given().when().get("/q/health/ready").then().statusCode(503);
        given().contentType("application/json")
                .body("{\"inputs\":[{\"name\":\"x\",\"shape\":[4],\"datatype\":\"FP32\",\"data\":[0,0,0,0]}]}")
                .when().post("/v2/models/sample-model/infer")
                .then().statusCode(503).body("error", containsString("loading"));
        given().when().get("/v2/models/sample-model").then().statusCode(200)
                .body(containsString("\"7\""));
    }
}
