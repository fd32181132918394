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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The models jobs may name (from {@link ModelDirectory}: the index deploy-controller publishes), their limits and
 * mappings (configuration over compose labels), and their OIP metadata as last read from the model services (used to refuse tensors a model would refuse, before they are stored).
 */
@Startup
@ApplicationScoped
public class ModelCatalog {

    private static final Logger LOG = Logger.getLogger(ModelCatalog.class);
    private static final Duration METADATA_REFRESH = Duration.ofSeconds(30);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

    private final GatewayConfig config;
    private final ModelDirectory directory;
    /** Per-model overrides ({@code gateway.model."<name>"...}) by canonical name, mappings parsed once. */
    private final Map<String, Override> overrides = new HashMap<>();
    private final Map<String, JsonNode> metadata = new ConcurrentHashMap<>();
    private final ModelClient client;
    private final ObjectMapper json;
    private final Vertx vertx;

    /** Effective limits of one model, and the model service that serves it. */
    public record ModelSettings(String name, String service, int concurrency, int maxQueueDepth,
                                Optional<InputMapping> mapping) {}

    /** A model as {@code GET /models} reports it. */
    public record ModelStatus(String name, String service, boolean ready, String detail) {}

    private record Override(Optional<Integer> concurrency, Optional<Integer> maxQueueDepth,
                            Optional<InputMapping> mapping) {}

    public ModelCatalog(GatewayConfig config, ModelDirectory directory, ModelClient client, ObjectMapper json,
                        Vertx vertx) {
        this.config = config;
        this.directory = directory;
        this.client = client;
        this.json = json;
        this.vertx = vertx;
        // Environment variables cannot spell '-' or '.' in a key (GATEWAY_MODEL__SAMPLE_MODEL__CONCURRENCY arrives
        // as "sample.model"), so keys match names with '-', '.' and '_' taken as the same character.
        config.model().forEach((key, own) -> {
            String name = key;
            overrides.put(canonical(key), new Override(
                    own.concurrency().map(v -> positive(v, name + ".concurrency")),
                    own.maxQueueDepth().map(v -> positive(v, name + ".max-queue-depth")),
                    own.mapping().map(text -> mapping(name, text))));
        });
        positive(config.dispatch().concurrency(), "dispatch.concurrency");
        positive(config.dispatch().maxQueueDepth(), "dispatch.max-queue-depth");
    }

    private static String canonical(String name) {
        return name.replace('-', '.').replace('_', '.');
    }

    void start(@Observes StartupEvent event) {
        refreshMetadata();
        vertx.setPeriodic(METADATA_REFRESH.toMillis(), id -> refreshMetadata());
    }

    public boolean known(String model) {
        return directory.find(model).isPresent();
    }

    /** The model names served now (the controller's published index, then {@code gateway.models.names}). */
    public List<String> names() {
        return directory.all().stream().map(ModelDirectory.Served::name).toList();
    }

    /** Settings of a model jobs may name; 404 for any other. */
    public ModelSettings require(String model) {
        ModelNames.requireValid(model);
        ModelDirectory.Served served = directory.find(model).orElseThrow(() -> new JobRejected(GatewayError.UNKNOWN_MODEL,
                "no model '" + model + "'; the gateway serves " + names()));
        Override own = overrides.getOrDefault(canonical(model),
                new Override(Optional.empty(), Optional.empty(), Optional.empty()));
        return new ModelSettings(model, served.service(),
                own.concurrency().or(served::concurrency).orElse(config.dispatch().concurrency()),
                own.maxQueueDepth().orElse(config.dispatch().maxQueueDepth()), own.mapping());
    }

    /** The model's OIP metadata, when the model answered it lately. */
    public Optional<JsonNode> metadata(String model) {
        return Optional.ofNullable(metadata.get(model));
    }

    /** Asks each model whether it is ready (through nginx, as jobs go). */
    public Uni<List<ModelStatus>> statuses() {
        List<Uni<ModelStatus>> probes = directory.all().stream().map(this::probe).toList();
        return probes.isEmpty() ? Uni.createFrom().item(List.of()) : Uni.join().all(probes).andFailFast();
    }

    private Uni<ModelStatus> probe(ModelDirectory.Served model) {
        return client.get(model.name(), "/ready", PROBE_TIMEOUT)
                .map(reply -> new ModelStatus(model.name(), model.service(), reply.ok(), "HTTP " + reply.status()))
                .onFailure().recoverWithItem(failure -> new ModelStatus(model.name(), model.service(), false,
                        failure.getMessage()));
    }

    private void refreshMetadata() {
        for (String model : names()) {
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

    private static int positive(int value, String key) {
        if (value < 1) {
            throw new IllegalArgumentException("gateway.model." + key + " must be at least 1, got " + value);
        }
        return value;
    }
}
