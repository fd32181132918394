package io.slipway.mirror.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.slipway.mirror.registry.ErrorCode;
import java.util.regex.Pattern;

/** A platform filter, {@code os/architecture[/variant]} as in {@code docker pull --platform}. */
public record Platform(String os, String architecture, String variant) {

    private static final Pattern GRAMMAR = Pattern.compile("[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?");

    public static Platform parse(String text) {
        if (text == null || !GRAMMAR.matcher(text).matches()) {
            throw ErrorCode.MIRROR_JOB_INVALID.exception("invalid platform (os/architecture[/variant]): " + text);
        }
        String[] p = text.split("/");
        return new Platform(p[0], p[1], p.length > 2 ? p[2] : null);
    }

    /** Whether an index entry's {@code platform} object is this one (no variant here: any variant). */
    public boolean matches(JsonNode platform) {
        return os.equals(platform.path("os").asText()) && architecture.equals(platform.path("architecture").asText())
                && (variant == null || variant.equals(platform.path("variant").asText()));
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant == null ? "" : "/" + variant);
    }
}
