package io.slipway.gateway.model;

import io.slipway.gateway.error.GatewayError;
import io.slipway.gateway.job.JobRejected;
import java.util.regex.Pattern;

/** Model names are compose service names: what nginx routes and what may appear in an upstream URL. */
public final class ModelNames {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");

    private ModelNames() {}

    public static boolean valid(String name) {
        return name != null && NAME.matcher(name).matches() && !name.contains("..");
    }

    public static void requireValid(String name) {
        if (!valid(name)) {
            throw new JobRejected(GatewayError.INVALID_MODEL_NAME,
                    "model names are lower-case letters, digits, '.', '_' and '-' (at most 63), got '" + name + "'");
        }
    }
}
