package io.slipway.deploy.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.slipway.testsupport.OpenApiCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Swagger (/swagger) worth reading: every route says what it does, shows an example and its problem answers. */
@QuarkusTest
class OpenApiDocsTest {

    @Test
    void everyRouteIsDocumentedWithExamplesAndProblems() {
        OpenApiCheck check = OpenApiCheck.of(given().queryParam("format", "json").get("/q/openapi").then()
                .statusCode(200).extract().asString(), Problems.PROBLEM_JSON);
        for (String route : List.of("POST /deploy", "GET /deploys", "GET /deploys/{id}", "GET /deploys/{id}/events",
                "GET /services", "POST /services/{name}/rollback")) {
            assertTrue(check.operations().contains(route), route + " is documented: " + check.operations());
        }
        assertEquals(List.of(), check.gaps());
    }

    @Test
    void swaggerUiIsAtSwagger() {
        given().redirects().follow(true).get("/swagger").then().statusCode(200).body(containsString("swagger-ui"));
    }
}
