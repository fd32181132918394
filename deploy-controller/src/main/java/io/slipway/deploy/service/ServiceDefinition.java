package io.slipway.deploy.service;

import io.slipway.deploy.compose.ComposeLabels;
import io.slipway.deploy.engine.ContainerEngine;
import io.slipway.deploy.engine.ContainerEngine.ContainerInfo;
import io.slipway.deploy.engine.ContainerEngine.ImageInfo;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a new color of a model service is made like: the template container (its compose definition), the port its
 * model listens on and the env the definition sets (what the image sets is left to the new image).
 */
public record ServiceDefinition(ContainerInfo template, int port, Map<String, String> env) {

    public ServiceDefinition {
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
    }

    /** The definition of {@code live}, or empty when it has no container to take it from. */
    public static Optional<ServiceDefinition> of(LiveService live, ContainerEngine engine, int defaultPort) {
        return live.template().map(t -> new ServiceDefinition(t, portOf(t, defaultPort), envOf(t, engine)));
    }

    /** The env {@code container} was given on top of its image's, in its order. */
    public static Map<String, String> envOf(ContainerInfo container, ContainerEngine engine) {
        Set<String> fromImage = Set.copyOf(engine.inspectImage(container.imageId()).map(ImageInfo::env)
                .orElse(List.of()));
        Map<String, String> env = new LinkedHashMap<>();
        for (String entry : container.env()) {
            int eq = entry.indexOf('=');
            if (eq > 0 && !fromImage.contains(entry)) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return env;
    }

    /** The definition's env with {@code overrides} on top, in order. */
    public Map<String, String> envWith(Map<String, String> overrides) {
        Map<String, String> merged = new LinkedHashMap<>(env);
        merged.putAll(overrides);
        return merged;
    }

    private static int portOf(ContainerInfo template, int defaultPort) {
        String label = template.labels().get(ComposeLabels.MODEL_PORT);
        return label != null && label.matches("\\d{1,5}") ? Integer.parseInt(label) : defaultPort;
    }
}
