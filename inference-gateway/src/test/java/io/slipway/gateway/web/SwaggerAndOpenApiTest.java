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
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Swagger UI where the production containers have it, and an OpenAPI document worth reading. */
@QuarkusTest
@WithTestResource(ModelStack.class)
class SwaggerAndOpenApiTest {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");

    @Test
    void swaggerUiIsAtSwaggerAndTheOldPathLeadsThere() {
        given().redirects().follow(true).get("/swagger").then().statusCode(200)
                .body(containsString("swagger-ui"));
        given().redirects().follow(false).get("/q/swagger-ui").then().statusCode(301)
                .header("Location", containsString("/swagger"));
    }

    @Test
    void everyRouteHasASummaryADescriptionAnExampleAndItsProblems() throws Exception {
        JsonNode document = new ObjectMapper().readTree(given().queryParam("format", "json").get("/q/openapi")
                .then().statusCode(200).extract().asString());
        JsonNode paths = document.path("paths");
        List<String> operations = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (!METHODS.contains(op.getKey())) {
                    continue;
                }
                String name = op.getKey().toUpperCase() + " " + path.getKey();
                operations.add(name);
                JsonNode operation = op.getValue();
                assertFalse(operation.path("summary").asText().isBlank(), name + " has a summary");
                assertTrue(operation.path("description").asText().length() > 40, name + " has a description");
                JsonNode responses = operation.path("responses");
                assertTrue(hasExample(responses, "2"), name + " has an example answer");
                assertTrue(hasProblem(responses, document), name + " documents its problem responses");
            }
        }
        for (String expected : List.of("POST /jobs", "PUT /jobs/{id}", "GET /jobs/{id}", "GET /jobs/{id}/result",
                "GET /jobs/{id}/events", "POST /jobs/{id}/cancel", "GET /jobs", "POST /data/add-job", "GET /models",
                "GET /v2/models/{model}/ready", "GET /v2/models/{model}", "POST /v2/models/{model}/infer")) {
            assertTrue(operations.contains(expected), expected + " is documented: " + operations);
        }
        assertFalse(operations.stream().anyMatch(o -> o.contains("AddJob") || o.equals("GET /")),
                "pages are not API: " + operations);
        assertEquals("http", document.path("components").path("securitySchemes").path("apiKey").path("type")
                .asText());
    }

    private static boolean hasExample(JsonNode responses, String statusPrefix) {
        for (Iterator<Map.Entry<String, JsonNode>> it = responses.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> response = it.next();
            if (response.getKey().startsWith(statusPrefix)) {
                for (JsonNode media : response.getValue().path("content")) {
                    if (media.has("example") || media.path("examples").size() > 0) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean hasProblem(JsonNode responses, JsonNode document) {
        for (Iterator<Map.Entry<String, JsonNode>> it = responses.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            JsonNode response = entry.getValue();
            if (response.has("$ref")) {
                String name = response.get("$ref").asText().replace("#/components/responses/", "");
                response = document.path("components").path("responses").path(name);
            }
            if (entry.getKey().startsWith("4") && response.path("content").has("application/problem+json")) {
                return true;
            }
        }
        return false;
    }
}
