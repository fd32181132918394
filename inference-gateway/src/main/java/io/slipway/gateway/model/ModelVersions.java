package io.slipway.gateway.model;

import io.slipway.gateway.error.GatewayError;
import io.slipway.gateway.job.JobRejected;
import java.util.regex.Pattern;

/** OIP model versions as they may appear in an upstream URL path segment. */
public final class ModelVersions {

    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private ModelVersions() {}

    public static void requireValid(String version) {
        if (version == null || !VERSION.matcher(version).matches() || version.contains("..")) {
            throw new JobRejected(GatewayError.INVALID_MODEL_VERSION, "model versions are letters, digits, '.', '_' and '-' (at most 64), got '" + version + "'");
        }
    }
}
