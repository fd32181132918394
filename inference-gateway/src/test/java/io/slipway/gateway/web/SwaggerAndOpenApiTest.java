package io.slipway.gateway.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.slipway.gateway.testing.ModelStack;
import io.slipway.testsupport.OpenApiCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Swagger UI where the production containers have it, and an OpenAPI document worth reading. */
@QuarkusTest
@WithTestResource(ModelStack.class)
class SwaggerAndOpenApiTest {

    @Test
    void swaggerUiIsAtSwaggerAndTheOldPathLeadsThere() {
        given().redirects().follow(true).get("/swagger").then().statusCode(200)
                .body(containsString("swagger-ui"));
        given().redirects().follow(false).get("/q/swagger-ui").then().statusCode(301)
                .header("Location", containsString("/swagger"));
    }

    @Test
    void everyRouteHasASummaryADescriptionAnExampleAndItsProblems() throws Exception {
        String json = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract()
                .asString();
        OpenApiCheck check = OpenApiCheck.of(json, "application/problem+json");
        List<String> operations = check.operations();
        for (String expected : List.of("POST /jobs", "PUT /jobs/{id}", "GET /jobs/{id}", "GET /jobs/{id}/result",
                "GET /jobs/{id}/events", "POST /jobs/{id}/cancel", "GET /jobs", "POST /data/add-job", "GET /models",
                "GET /v2/models/{model}/ready", "GET /v2/models/{model}", "POST /v2/models/{model}/infer")) {
            assertTrue(operations.contains(expected), expected + " is documented: " + operations);
        }
        assertEquals(List.of(), check.gaps());
        assertFalse(operations.stream().anyMatch(o -> o.contains("AddJob") || o.equals("GET /")),
                "pages are not API: " + operations);
        JsonNode document = new ObjectMapper().readTree(json);
        assertEquals("http", document.path("components").path("securitySchemes").path("apiKey").path("type")
                .asText());
    }
}
