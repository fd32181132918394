package io.slipway.deploy;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With no engine behind the socket and a config dir that cannot exist, both checks report DOWN. */
@QuarkusTest
@TestProfile(EngineDownTest.NoEngine.class)
class EngineDownTest {

    public static class NoEngine implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("deploy.docker.host", "unix:///nonexistent/docker.sock",
                    "deploy.nginx.config-dir", "pom.xml/nginx");
        }
    }

    @Test
    void notReady() {
        given().when().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'container-engine' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'nginx-config-dir' }.status", equalTo("DOWN"));
    }
}
