package io.slipway.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OpenApiCheckTest {

    private static final String PROBLEM = "application/problem+json";

    @Test
    void aFullyDocumentedRouteHasNoGaps() {
        String json = """
                {"paths": {"/things/{id}": {"get": {"summary": "Read a thing",
                  "description": "The thing with this id, as stored; 404 when there is none.",
                  "responses": {
                    "200": {"content": {"application/json": {"example": {"id": "a"}}}},
                    "404": {"$ref": "#/components/responses/NotFound"}}}}},
                 "components": {"responses": {"NotFound": {"content": {"application/problem+json":
                   {"schema": {"type": "object"}, "example": {"status": 404}}}}}}}""";
        OpenApiCheck check = OpenApiCheck.of(json, PROBLEM);
        assertEquals(List.of("GET /things/{id}"), check.operations());
        assertEquals(List.of(), check.gaps());
    }

    @Test
    void namesEachMissingPart() {
        String json = """
                {"paths": {"/things": {"post": {"summary": "Post",
                  "responses": {"201": {"content": {"application/json": {}}},
                                "400": {"content": {"application/json": {"schema": {}, "example": {}}}}}},
                  "head": {"summary": "", "description": "Whether there are things, without reading them."}}}}""";
        List<String> gaps = OpenApiCheck.of(json, PROBLEM).gaps();
        assertTrue(gaps.contains("POST /things: no description (at least 40 characters)"), gaps.toString());
        assertTrue(gaps.contains("POST /things: answer 201 (application/json) has no example"), gaps.toString());
        assertTrue(gaps.contains("POST /things: no error answer documented as application/problem+json with a "
                + "schema and an example"), gaps.toString());
        assertTrue(gaps.contains("HEAD /things: no summary"), gaps.toString());
        assertTrue(gaps.contains("HEAD /things: no successful answer documented"), gaps.toString());
        assertEquals(6, gaps.size(), gaps.toString());
    }
}
