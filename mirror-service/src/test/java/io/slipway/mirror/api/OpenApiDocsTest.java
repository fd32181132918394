package io.slipway.mirror.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.slipway.testsupport.OpenApiCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Swagger (/swagger) worth reading: each registry route, not the catch-all that serves them, with OCI errors. */
@QuarkusTest
class OpenApiDocsTest {

    @Test
    void everyRouteIsDocumentedWithExamplesAndOciErrors() {
        OpenApiCheck check = OpenApiCheck.of(given().queryParam("format", "json").get("/q/openapi").then()
                .statusCode(200).extract().asString(), "application/json");
        for (String route : List.of("GET /v2/", "GET /v2/_catalog", "GET /v2/{name}/tags/list",
                "GET /v2/{name}/manifests/{reference}", "HEAD /v2/{name}/manifests/{reference}",
                "PUT /v2/{name}/manifests/{reference}", "DELETE /v2/{name}/manifests/{reference}",
                "GET /v2/{name}/blobs/{digest}", "HEAD /v2/{name}/blobs/{digest}", "DELETE /v2/{name}/blobs/{digest}",
                "POST /v2/{name}/blobs/uploads/", "GET /v2/{name}/blobs/uploads/{uuid}",
                "PATCH /v2/{name}/blobs/uploads/{uuid}", "PUT /v2/{name}/blobs/uploads/{uuid}",
                "DELETE /v2/{name}/blobs/uploads/{uuid}", "GET /v2/{name}/referrers/{digest}", "GET /auth/token",
                "POST /import")) {
            assertTrue(check.operations().contains(route), route + " is documented: " + check.operations());
        }
        assertFalse(check.operations().stream().anyMatch(o -> o.contains("{path")),
                "the catch-all is not shown: " + check.operations());
        assertEquals(List.of(), check.gaps());
    }

    @Test
    void swaggerUiIsAtSwagger() {
        given().redirects().follow(true).get("/swagger").then().statusCode(200).body(containsString("swagger-ui"));
    }
}
