package io.slipway.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a service's OpenAPI document must say about every route so that Swagger is worth reading (issue 14): a
 * summary, a description of what the route does, an example of each successful answer that has a body, and at
 * least one documented error answer in the service's error media type (problem+json, or the registry's OCI error
 * JSON). Responses given as {@code $ref} are looked up in {@code components/responses}.
 */
public final class OpenApiCheck {

    private static final Set<String> METHODS = Set.of("get", "head", "put", "post", "delete", "patch", "options");
    private static final int MIN_DESCRIPTION = 40;

    private final JsonNode document;
    private final String errorMediaType;

    private OpenApiCheck(JsonNode document, String errorMediaType) {
        this.document = document;
        this.errorMediaType = errorMediaType;
    }

    /** The document ({@code /q/openapi?format=json}); errors are documented as {@code errorMediaType}. */
    public static OpenApiCheck of(String json, String errorMediaType) {
        try {
            return new OpenApiCheck(new ObjectMapper().readTree(json), errorMediaType);
        } catch (IOException e) {
            throw new UncheckedIOException("not an OpenAPI JSON document", e);
        }
    }

    /** Every operation, as {@code "GET /path"}. */
    public List<String> operations() {
        List<String> operations = new ArrayList<>();
        forEachOperation((name, operation) -> operations.add(name));
        return operations;
    }

    /** What is missing, one line per route and gap; empty when every route is documented. */
    public List<String> gaps() {
        List<String> gaps = new ArrayList<>();
        forEachOperation((name, operation) -> {
            if (operation.path("summary").asText().isBlank()) {
                gaps.add(name + ": no summary");
            }
            if (operation.path("description").asText().strip().length() < MIN_DESCRIPTION) {
                gaps.add(name + ": no description (at least " + MIN_DESCRIPTION + " characters)");
            }
            JsonNode responses = operation.path("responses");
            boolean success = false;
            boolean error = false;
            for (Iterator<Map.Entry<String, JsonNode>> it = responses.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                JsonNode response = resolve(entry.getValue());
                if (entry.getKey().startsWith("2")) {
                    success = true;
                    for (Iterator<Map.Entry<String, JsonNode>> media = response.path("content").fields();
                            media.hasNext(); ) {
                        Map.Entry<String, JsonNode> m = media.next();
                        if (!hasExample(m.getValue())) {
                            gaps.add(name + ": answer " + entry.getKey() + " (" + m.getKey() + ") has no example");
                        }
                    }
                } else if (entry.getKey().startsWith("4") || entry.getKey().startsWith("5")) {
                    JsonNode media = response.path("content").path(errorMediaType);
                    error |= media.has("schema") && hasExample(media);
                }
            }
            if (!success) {
                gaps.add(name + ": no successful answer documented");
            }
            if (!error) {
                gaps.add(name + ": no error answer documented as " + errorMediaType + " with a schema and an example");
            }
        });
        return gaps;
    }

    private static boolean hasExample(JsonNode media) {
        return media.has("example") || media.path("examples").size() > 0;
    }

    private JsonNode resolve(JsonNode response) {
        if (!response.has("$ref")) {
            return response;
        }
        String name = response.get("$ref").asText().replace("#/components/responses/", "");
        return document.path("components").path("responses").path(name);
    }

    private void forEachOperation(java.util.function.BiConsumer<String, JsonNode> action) {
        for (Iterator<Map.Entry<String, JsonNode>> it = document.path("paths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (METHODS.contains(op.getKey())) {
                    action.accept(op.getKey().toUpperCase() + " " + path.getKey(), op.getValue());
                }
            }
        }
    }
}
