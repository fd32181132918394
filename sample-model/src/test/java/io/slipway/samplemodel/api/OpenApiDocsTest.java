package io.slipway.samplemodel.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.slipway.testsupport.OpenApiCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Swagger (/swagger) worth reading: every OIP route says what it does, shows an example and its error answers. */
@QuarkusTest
class OpenApiDocsTest {

    @Test
    void everyRouteIsDocumentedWithExamplesAndErrors() {
        OpenApiCheck check = OpenApiCheck.of(given().queryParam("format", "json").get("/q/openapi").then()
                .statusCode(200).extract().asString(), "application/json");
        for (String route : List.of("GET /v2", "GET /v2/health/live", "GET /v2/health/ready", "GET /v2/models/{name}",
                "GET /v2/models/{name}/ready", "POST /v2/models/{name}/infer",
                "POST /v2/models/{name}/versions/{version}/infer")) {
            assertTrue(check.operations().contains(route), route + " is documented: " + check.operations());
        }
        assertEquals(List.of(), check.gaps());
    }

    @Test
    void swaggerUiIsAtSwagger() {
        given().redirects().follow(true).get("/swagger").then().statusCode(200).body(containsString("swagger-ui"));
    }
}
