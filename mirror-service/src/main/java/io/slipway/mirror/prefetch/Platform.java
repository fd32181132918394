package io.slipway.mirror.prefetch;

import com.fasterxml.jackson.databind.JsonNode;
import io.slipway.mirror.registry.ErrorCode;
import java.util.regex.Pattern;

/** A platform as {@code docker pull --platform} writes it: {@code os/architecture[/variant]}, e.g. linux/arm64/v8. */
public record Platform(String os, String architecture, String variant) {

    private static final Pattern PART = Pattern.compile("[a-z0-9._-]+");

    public static Platform parse(String text) {
        String[] parts = text == null ? new String[0] : text.strip().split("/", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw ErrorCode.PREFETCH_INVALID.exception("platform must be os/architecture[/variant], e.g. "
                    + "linux/amd64; got " + text);
        }
        for (String part : parts) {
            if (!PART.matcher(part).matches()) {
                throw ErrorCode.PREFETCH_INVALID.exception("invalid platform: " + text);
            }
        }
        return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
    }

    /** Whether an index entry's {@code platform} object is this one (a variant left out here matches any). */
    public boolean matches(JsonNode platform) {
        return os.equals(platform.path("os").asText())
                && architecture.equals(platform.path("architecture").asText())
                && (variant == null || variant.equals(platform.path("variant").asText()));
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant == null ? "" : "/" + variant);
    }
}
