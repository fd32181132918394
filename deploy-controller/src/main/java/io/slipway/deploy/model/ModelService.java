package io.slipway.deploy.model;

import io.slipway.deploy.compose.ComposeLabels;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A model service as its compose block declares it, in labels of its definition container: the port its server
 * listens on, the OIP model names it serves (a Triton-style server serves several), how it is swapped and how many
 * jobs of each of its models the gateway runs at once.
 *
 * @param concurrency jobs of each model run at once by the gateway; empty = the gateway's default
 */
public record ModelService(String service, int port, List<String> models, String strategy,
                           Optional<Integer> concurrency) {

    /** Marks a compose service as a model service. */
    public static final String MARKER = "io.slipway.model-service";
    /** Comma-separated OIP model names the service serves; absent = the service name. */
    public static final String MODELS = "io.slipway.models";
    /** Swap strategy of the service's deploys. */
    public static final String STRATEGY = "io.slipway.strategy";
    /** Jobs of each model the gateway runs at once. */
    public static final String CONCURRENCY = "io.slipway.concurrency";
    /** New color next to the old one, then the switch (the default; needs room for two copies of the model). */
    public static final String BLUE_GREEN = "blue-green";
    /** Requests held at the front while the old color stops and the new one starts (for models that fit once). */
    public static final String STOP_FIRST = "stop-first";
    /** New color next to the old one, traffic shifted to it in steps while its error rate is watched. */
    public static final String CANARY = "canary";
    /** Percent of the traffic a canary deploy gives the new color at each step, e.g. {@code 10,50,100}. */
    public static final String CANARY_STEPS = "io.slipway.canary-steps";
    /** How long each canary step lasts before its error rate is judged, e.g. {@code 10s}. */
    public static final String CANARY_STEP = "io.slipway.canary-step";
    /** Share of the new color's inference requests at one step that may fail (5xx) before it is rolled back. */
    public static final String CANARY_MAX_ERROR_RATE = "io.slipway.canary-max-error-rate";
    /** The strategies deploys implement. */
    public static final List<String> STRATEGIES = List.of(BLUE_GREEN, STOP_FIRST, CANARY);

    /** Names that may reach a container name, a nginx file name or a URL path segment. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");
    private static final Pattern MODEL_NAME = NAME;

    public ModelService {
        models = List.copyOf(models);
    }

    /**
     * The declaration in {@code labels} of compose service {@code service}; {@link IllegalArgumentException} saying
     * which label is wrong when one is.
     */
    public static ModelService fromLabels(String service, Map<String, String> labels, int defaultPort) {
        if (!NAME.matcher(service).matches()) {
            throw new IllegalArgumentException("service name '" + service + "' is not a valid model service name "
                    + "(lower-case letters, digits, '_', '.', '-')");
        }
        int port = number(labels, ComposeLabels.MODEL_PORT).orElse(defaultPort);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(ComposeLabels.MODEL_PORT + " of " + service + " is not a port: " + port);
        }
        List<String> models = Optional.ofNullable(labels.get(MODELS)).filter(v -> !v.isBlank())
                .map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(m -> !m.isEmpty()).distinct().toList())
                .orElse(List.of(service));
        for (String model : models) {
            if (!MODEL_NAME.matcher(model).matches()) {
                throw new IllegalArgumentException(MODELS + " of " + service + ": '" + model
                        + "' is not a valid OIP model name");
            }
        }
        String strategy = labels.getOrDefault(STRATEGY, BLUE_GREEN).trim();
        if (!STRATEGIES.contains(strategy)) {
            throw new IllegalArgumentException(STRATEGY + " of " + service + ": '" + strategy
                    + "' is not a swap strategy this controller runs (" + String.join(", ", STRATEGIES) + ")");
        }
        Optional<Integer> concurrency = number(labels, CONCURRENCY);
        if (concurrency.isPresent() && concurrency.get() < 1) {
            throw new IllegalArgumentException(CONCURRENCY + " of " + service + " must be at least 1");
        }
        return new ModelService(service, port, models, strategy, concurrency);
    }

    private static Optional<Integer> number(Map<String, String> labels, String key) {
        String value = labels.get(key);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " is not a number: '" + value + "'");
        }
    }
}
