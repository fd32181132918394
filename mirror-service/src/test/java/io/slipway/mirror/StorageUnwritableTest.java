package io.slipway.mirror;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A storage root that cannot be created (its parent is a regular file) makes the mirror unready. */
@QuarkusTest
@TestProfile(StorageUnwritableTest.FileAsRoot.class)
class StorageUnwritableTest {

    public static class FileAsRoot implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mirror.storage.root", "pom.xml/registry");
        }
    }

    @Test
    void notReady() {
        given().when().get("/q/health/ready").then().statusCode(503)
                .body(containsString("storage-writable"))
                .body(containsString("DOWN"));
    }
}
