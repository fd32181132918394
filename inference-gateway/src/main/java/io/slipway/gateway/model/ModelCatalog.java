package io.slipway.gateway.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.StartupEvent;
import io.slipway.gateway.config.GatewayConfig;
import io.slipway.gateway.error.GatewayError;
import io.slipway.gateway.job.InputMapping;
import io.slipway.gateway.job.JobRejected;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The models jobs may name, their limits and mappings (from configuration), and their OIP metadata as last read
 * from the model services (used to refuse tensors a model would refuse, before they are stored).
 */
@Startup
@ApplicationScoped
public class ModelCatalog {

    private static final Logger LOG = Logger.getLogger(ModelCatalog.class);
    private static final Duration METADATA_REFRESH = Duration.ofSeconds(30);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

    private final Map<String, ModelSettings> settings = new LinkedHashMap<>();
    private final Map<String, JsonNode> metadata = new ConcurrentHashMap<>();
    private final ModelClient client;
    private final ObjectMapper json;
    private final Vertx vertx;

    /** Effective limits of one model. */
    public record ModelSettings(String name, int concurrency, int maxQueueDepth, Optional<InputMapping> mapping) {}

    /** A model as {@code GET /models} reports it. */
    public record ModelStatus(String name, boolean ready, String detail) {}

    public ModelCatalog(GatewayConfig config, ModelClient client, ObjectMapper json, Vertx vertx) {
        this.client = client;
        this.json = json;
        this.vertx = vertx;
        Map<String, GatewayConfig.ModelSettings> overrides = overridesByName(config);
        for (String name : config.models().names()) {
            GatewayConfig.ModelSettings own = overrides.get(name);
            settings.put(name, new ModelSettings(name,
                    positive(own == null ? Optional.empty() : own.concurrency(), config.dispatch().concurrency(),
                            name + ".concurrency"),
                    positive(own == null ? Optional.empty() : own.maxQueueDepth(), config.dispatch().maxQueueDepth(),
                            name + ".max-queue-depth"),
                    own == null ? Optional.empty() : own.mapping().map(text -> mapping(name, text))));
        }
    }

    /**
     * Per-model settings by model name. Environment variables cannot spell '-' or '.' in a key
     * ({@code GATEWAY_MODEL__SAMPLE_MODEL__CONCURRENCY} arrives as {@code "sample.model"}), so keys match names with
     * '-', '.' and '_' taken as the same character; names that would then collide are refused.
     */
    private static Map<String, GatewayConfig.ModelSettings> overridesByName(GatewayConfig config) {
        Map<String, String> byCanonical = new java.util.HashMap<>();
        for (String name : config.models().names()) {
            if (!ModelNames.valid(name)) {
                throw new IllegalArgumentException("gateway.models.names: '" + name + "' is not a valid model name");
            }
            String previous = byCanonical.put(canonical(name), name);
            if (previous != null && !previous.equals(name)) {
                throw new IllegalArgumentException("gateway.models.names: '" + previous + "' and '" + name
                        + "' differ only in '-', '.' or '_'; per-model settings could not tell them apart");
            }
        }
        Map<String, GatewayConfig.ModelSettings> overrides = new java.util.HashMap<>();
        config.model().forEach((key, value) -> {
            String name = byCanonical.get(canonical(key));
            if (name == null) {
                throw new IllegalArgumentException("gateway.model.\"" + key + "\" configures a model missing from "
                        + "gateway.models.names " + config.models().names());
            }
            overrides.put(name, value);
        });
        return overrides;
    }

    private static String canonical(String name) {
        return name.replace('-', '.').replace('_', '.');
    }

    void start(@Observes StartupEvent event) {
        refreshMetadata();
        vertx.setPeriodic(METADATA_REFRESH.toMillis(), id -> refreshMetadata());
    }

    public boolean known(String model) {
        return settings.containsKey(model);
    }

    public List<String> names() {
        return List.copyOf(settings.keySet());
    }

    /** Settings of a model jobs may name; 404 for any other. */
    public ModelSettings require(String model) {
        ModelNames.requireValid(model);
        ModelSettings found = settings.get(model);
        if (found == null) {
            throw new JobRejected(GatewayError.UNKNOWN_MODEL, "no model '" + model + "'; the gateway serves "
                    + settings.keySet());
        }
        return found;
    }

    /** The model's OIP metadata, when the model answered it lately. */
    public Optional<JsonNode> metadata(String model) {
        return Optional.ofNullable(metadata.get(model));
    }

    /** Asks each model whether it is ready (through nginx, as jobs go). */
    public Uni<List<ModelStatus>> statuses() {
        List<Uni<ModelStatus>> probes = settings.keySet().stream().map(this::probe).toList();
        return Uni.join().all(probes).andFailFast();
    }

    private Uni<ModelStatus> probe(String model) {
        return client.get(model, "/ready", PROBE_TIMEOUT)
                .map(reply -> new ModelStatus(model, reply.ok(), "HTTP " + reply.status()))
                .onFailure().recoverWithItem(failure -> new ModelStatus(model, false, failure.getMessage()));
    }

    private void refreshMetadata() {
        for (String model : settings.keySet()) {
            client.get(model, "", PROBE_TIMEOUT).subscribe().with(reply -> {
                if (reply.ok()) {
                    try {
                        metadata.put(model, json.readTree(reply.body()));
                    } catch (IOException e) {
                        LOG.debugf("model %s sent unreadable metadata: %s", model, e.getMessage());
                    }
                }
            }, failure -> LOG.debugf("no metadata from model %s: %s", model, failure.getMessage()));
        }
    }

    private InputMapping mapping(String model, String text) {
        try {
            return InputMapping.parse(json.readTree(text));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("gateway.model.\"" + model + "\".mapping is not JSON: "
                    + e.getOriginalMessage(), e);
        } catch (JobRejected e) {
            throw new IllegalArgumentException("gateway.model.\"" + model + "\".mapping: " + e.getMessage(), e);
        }
    }

    private static int positive(Optional<Integer> own, int fallback, String key) {
        int value = own.orElse(fallback);
        if (value < 1) {
            throw new IllegalArgumentException("gateway.model." + key + " must be at least 1, got " + value);
        }
        return value;
    }
}
