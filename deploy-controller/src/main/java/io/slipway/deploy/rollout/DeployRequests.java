package io.slipway.deploy.rollout;

import io.slipway.deploy.config.DeployConfig;
import io.slipway.deploy.model.ModelService;
import io.slipway.deploy.model.ModelServices;
import io.slipway.deploy.engine.ImageReference;
import io.slipway.deploy.state.Deploy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns what CI sent into a {@link DeployPlan}, or refuses it with a 422 that names the field; nothing is touched. */
@ApplicationScoped
public class DeployRequests {

    /** What the API accepts as JSON; every field but service and image may be left out. */
    public record DeployRequest(String service, String image, Integer replicas, String healthTimeout,
                                String drainTimeout, Map<String, String> env) {}

    public static final int MAX_REPLICAS = 16;
    public static final Duration MAX_HEALTH_TIMEOUT = Duration.ofHours(2);
    public static final Duration MAX_DRAIN_TIMEOUT = Duration.ofMinutes(30);
    private static final int MAX_ENV = 128;
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");

    private final DeployConfig config;

    private final ModelServices services;

    public DeployRequests(DeployConfig config, ModelServices services) {
        this.config = config;
        this.services = services;
    }

    public DeployPlan plan(DeployRequest request) {
        if (request == null) {
            throw DeployError.BAD_REQUEST.because("body must be a JSON object {service, image, ...}");
        }
        String service = service(request.service());
        if (request.image() == null) {
            throw invalid("image is required");
        }
        ImageReference image;
        try {
            image = ImageReference.parse(request.image());
        } catch (IllegalArgumentException e) {
            throw invalid("image: " + e.getMessage());
        }
        Optional<Integer> replicas = Optional.ofNullable(request.replicas());
        if (replicas.isPresent() && (replicas.get() < 1 || replicas.get() > MAX_REPLICAS)) {
            throw invalid("replicas must be between 1 and " + MAX_REPLICAS);
        }
        Duration health = duration("healthTimeout", request.healthTimeout(), config.healthTimeout(),
                MAX_HEALTH_TIMEOUT);
        Duration drain = duration("drainTimeout", request.drainTimeout(), config.drainTimeout(), MAX_DRAIN_TIMEOUT);
        return new DeployPlan(Deploy.Kind.DEPLOY, service, image, Optional.empty(), replicas, health, drain,
                env(request.env()), Optional.empty());
    }

    /** The service name when it is a model service of the project (declared by its labels); 422 otherwise. */
    public String service(String name) {
        if (name == null || name.isBlank()) {
            throw invalid("service is required");
        }
        List<ModelService> known;
        try {
            known = services.all();
        } catch (RuntimeException e) {
            throw DeployError.UNAVAILABLE.because("cannot read the model services: " + DeployFailure.reason(e));
        }
        if (known.stream().noneMatch(s -> s.service().equals(name))) {
            throw invalid("unknown service '" + printable(name) + "'; model services: "
                    + known.stream().map(ModelService::service).toList());
        }
        return name;
    }

    private static Map<String, String> env(Map<String, String> env) {
        if (env == null) {
            return Map.of();
        }
        if (env.size() > MAX_ENV) {
            throw invalid("env has more than " + MAX_ENV + " variables");
        }
        Map<String, String> checked = new LinkedHashMap<>();
        env.forEach((name, value) -> {
            if (name == null || !ENV_NAME.matcher(name).matches()) {
                throw invalid("env: '" + printable(String.valueOf(name)) + "' is not a valid variable name");
            }
            if (value == null || value.indexOf('\0') >= 0 || value.length() > 32_768) {
                throw invalid("env: value of " + name + " must be a string without NUL, at most 32 KiB");
            }
            checked.put(name, value);
        });
        return checked;
    }

    /** {@code 90s}, {@code 5m}, {@code 1500ms}, a bare number of seconds, or ISO-8601 ({@code PT5M}). */
    private static Duration duration(String field, String text, Duration fallback, Duration max) {
        if (text == null) {
            return fallback;
        }
        Duration d;
        Matcher m = SHORT_DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            d = switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
            };
        } else {
            try {
                d = Duration.parse(text.trim());
            } catch (DateTimeParseException e) {
                throw invalid(field + ": '" + printable(text) + "' is not a duration (e.g. 90s, 5m, PT5M)");
            }
        }
        if (d.isNegative() || d.isZero() || d.compareTo(max) > 0) {
            throw invalid(field + " must be above 0 and at most " + max);
        }
        return d;
    }

    private static DeployException invalid(String detail) {
        return DeployError.INVALID_DEPLOY.because(detail);
    }

    private static String printable(String text) {
        String cut = text.length() > 64 ? text.substring(0, 64) + "..." : text;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
