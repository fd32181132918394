package io.slipway.mirror.prefetch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slipway.mirror.registry.ErrorCode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What to warm, checked before anything is fetched: {@code {"images": [...], "platform": "linux/amd64"}} (platform
 * optional: every platform of a multi-arch image). At most {@link #MAX_IMAGES} images per request.
 */
public record PrefetchPlan(List<ImageToWarm> images, Optional<Platform> platform) {

    public static final int MAX_IMAGES = 500;

    public static PrefetchPlan of(List<String> images, Optional<String> platform) {
        if (images == null || images.isEmpty()) {
            throw ErrorCode.PREFETCH_INVALID.exception("\"images\" must name at least one image");
        }
        if (images.size() > MAX_IMAGES) {
            throw ErrorCode.PREFETCH_INVALID.exception("at most " + MAX_IMAGES + " images per prefetch");
        }
        return new PrefetchPlan(images.stream().map(ImageToWarm::parse).toList(), platform.map(Platform::parse));
    }

    public static PrefetchPlan parse(byte[] body, ObjectMapper json) {
        JsonNode doc;
        try {
            doc = body == null || body.length == 0 ? null : json.readTree(body);
        } catch (JsonProcessingException e) {
            throw ErrorCode.PREFETCH_INVALID.exception("the body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ErrorCode.PREFETCH_INVALID.exception("the body is not JSON: " + e.getMessage());
        }
        if (doc == null || !doc.isObject()) {
            throw ErrorCode.PREFETCH_INVALID.exception("the body must be a JSON object {\"images\": [...]}");
        }
        JsonNode images = doc.path("images");
        if (!images.isArray()) {
            throw ErrorCode.PREFETCH_INVALID.exception("\"images\" must be an array of image references");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode image : images) {
            if (!image.isTextual()) {
                throw ErrorCode.PREFETCH_INVALID.exception("\"images\" must hold strings; got " + image);
            }
            names.add(image.asText());
        }
        JsonNode platform = doc.path("platform");
        if (!platform.isMissingNode() && !platform.isNull() && !platform.isTextual()) {
            throw ErrorCode.PREFETCH_INVALID.exception("\"platform\" must be a string such as linux/amd64");
        }
        return of(names, Optional.ofNullable(platform.isTextual() ? platform.asText() : null));
    }
}
