package io.slipway.deploy;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Needs the real Docker engine (started by .ci/run or scripts/ensure-docker.sh); fails without it. */
@QuarkusTest
class HealthTest {

    @Test
    void readyWhenTheEngineAnswersAndTheConfigDirIsWritable() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'container-engine' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'container-engine' }.data.api", equalTo("1.41"))
                .body("checks.find { it.name == 'nginx-config-dir' }.status", equalTo("UP"));
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("jvm_"));
        given().when().get("/q/openapi").then().statusCode(200);
    }
}
