package io.slipway.mirror;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class RegistryBaseTest {

    @Test
    void answersTheV2BaseEndpoint() {
        given().auth().preemptive().basic("slipway", "test-secret").get("/v2/").then().statusCode(200)
                .header("Docker-Distribution-API-Version", "registry/2.0");
    }

    @Test
    void readyWhenStorageIsWritable() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItem("storage-writable"));
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("jvm_"));
    }
}
