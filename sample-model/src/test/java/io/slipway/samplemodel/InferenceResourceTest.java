package io.slipway.samplemodel;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.RestAssured;
import io.restassured.path.json.config.JsonPathConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
class InferenceResourceTest {

    @BeforeAll
    static void numbersAsDoubles() {
        RestAssured.config = RestAssured.config().jsonConfig(RestAssured.config().getJsonConfig()
                .numberReturnType(JsonPathConfig.NumberReturnType.DOUBLE));
    }

    private static final String TWO_ROWS = """
            {"id": "req-1", "inputs": [{"name": "input", "shape": [2, 4], "datatype": "FP32",
              "data": [1, 2, 3, 4, 0, 0, 0, 0]}]}""";

    @Test
    void infersProbabilitiesAndLogitsForEveryRow() {
        given().contentType(ContentType.JSON).body(TWO_ROWS)
                .when().post("/v2/models/sample-model/infer")
                .then().statusCode(200)
                .body("model_name", equalTo("sample-model"))
                .body("model_version", equalTo("1"))
                .body("id", equalTo("req-1"))
                .body("outputs[0].name", equalTo("probability"))
                .body("outputs[0].shape", equalTo(java.util.List.of(2, 1)))
                .body("outputs[0].data[0]", closeTo(0.9999546, 1e-6))
                .body("outputs[0].data[1]", closeTo(0.26894143, 1e-6))
                .body("outputs[1].name", equalTo("logit"))
                .body("outputs[1].data[0]", closeTo(10, 1e-5));
    }

    @Test
    void acceptsNestedDataAndASingleRowShape() {
        given().contentType(ContentType.JSON)
                .body("{\"inputs\":[{\"name\":\"x\",\"shape\":[4],\"datatype\":\"FP32\",\"data\":[[1,2],[3,4]]}]}")
                .when().post("/v2/models/sample-model/infer")
                .then().statusCode(200)
                .body("id", notNullValue())
                .body("outputs[1].data[0]", closeTo(10, 1e-5));
    }

    @Test
    void refusesMalformedTensorsWithAnOipError() {
        String[] bad = {
            "{\"inputs\":[]}",
            "{\"inputs\":[{\"name\":\"x\",\"shape\":[2,4],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}",
            "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}",
            "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"BYTES\",\"data\":[1,2,3,4]}]}",
            "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[1,\"a\",3,4]}]}",
            "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP32\"}]}",
        };
        for (String body : bad) {
            given().contentType(ContentType.JSON).body(body)
                    .when().post("/v2/models/sample-model/infer")
                    .then().statusCode(400)
                    .contentType(ContentType.JSON)
                    .body("error", containsString("input"));
        }
    }

    @Test
    void refusesMalformedJsonWithAnOipError() {
        given().contentType(ContentType.JSON).body("{\"inputs\": [")
                .when().post("/v2/models/sample-model/infer")
                .then().statusCode(400)
                .body("error", containsString("malformed"));
    }

    @Test
    void everyConfiguredNameAnswersUnderItsOwnName() {
        given().contentType(ContentType.JSON).body(TWO_ROWS)
                .when().post("/v2/models/sample-model-large/infer")
                .then().statusCode(200)
                .body("model_name", equalTo("sample-model-large"))
                .body("outputs[0].data[0]", closeTo(0.9999546, 1e-6));
        given().when().get("/v2/models/sample-model-large").then().statusCode(200)
                .body("name", equalTo("sample-model-large"));
        given().when().get("/v2/models/sample-model-large/ready").then().statusCode(200)
                .body("name", equalTo("sample-model-large"));
    }

    @Test
    void unknownModelIsNotFound() {
        given().contentType(ContentType.JSON).body(TWO_ROWS)
                .when().post("/v2/models/other/infer")
                .then().statusCode(404)
                .body("error", containsString("unknown model 'other'"))
                .body("error", containsString("[sample-model, sample-model-large]"));
        given().when().get("/v2/models/other").then().statusCode(404);
        given().contentType(ContentType.JSON).body(TWO_ROWS)
                .when().post("/v2/models/sample-model/versions/9/infer")
                .then().statusCode(404);
    }

    @Test
    void answersOipHealthAndMetadata() {
        given().when().get("/v2/health/live").then().statusCode(200);
        given().when().get("/v2/health/ready").then().statusCode(200);
        given().when().get("/v2/models/sample-model/ready").then().statusCode(200).body("ready", equalTo(true));
        given().when().get("/v2/models/sample-model").then().statusCode(200)
                .body("versions", hasItem("1"))
                .body("inputs[0].shape", equalTo(java.util.List.of(-1, 4)));
    }

    @Test
    void honoursTheRequestedLatency() {
        long start = System.nanoTime();
        given().contentType(ContentType.JSON)
                .body("{\"parameters\":{\"latency_ms\":300},\"inputs\":[{\"name\":\"x\",\"shape\":[4],"
                        + "\"datatype\":\"FP32\",\"data\":[0,0,0,0]}]}")
                .when().post("/v2/models/sample-model/infer")
                .then().statusCode(200);
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        org.junit.jupiter.api.Assertions.assertTrue(elapsedMs >= 300, "answered after " + elapsedMs + " ms");
    }

    @Test
    void exposesHealthMetricsAndOpenApi() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItem("model-loaded"));
        given().contentType(ContentType.JSON).body(TWO_ROWS).post("/v2/models/sample-model/infer");
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("sample_model_inferences_total"));
        given().when().get("/q/openapi").then().statusCode(200).body(containsString("/v2/models/{name}/infer"));
    }
}
