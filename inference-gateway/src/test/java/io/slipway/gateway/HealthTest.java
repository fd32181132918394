package io.slipway.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class HealthTest {

    @Test
    void readyWhenTheJobStoreIsOpen() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'job-store' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'job-store' }.data.store", containsString("jdbc:h2:file:"));
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("jvm_"));
    }

    @Test
    void refusesModelNamesThatCannotBeRouted() {
        given().contentType("application/json").body("{}")
                .when().post("/v2/models/Bad..Name/infer")
                .then().statusCode(400).contentType("application/problem+json")
                .body("title", equalTo("Invalid model name"));
    }

    @Test
    void unreachableModelIsABadGateway() {
        given().contentType("application/json").body("{}")
                .when().post("/v2/models/sample-model/infer")
                .then().statusCode(502).contentType("application/problem+json");
    }
}
