package io.slipway.gateway.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slipway.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Which model service serves which OIP model name. deploy-controller publishes it as {@code models.json} in the
 * nginx-config volume (from the labels of each model service in docker-compose.yml), which the gateway mounts read
 * only: routing goes on while the controller is down, and a model added to compose is known within seconds. The file
 * is looked at again at most every {@link #RECHECK_MILLIS} ms; an unreadable one keeps the last good index.
 * {@code gateway.models.names} adds models served by the service of the same name (tests, stacks without a
 * controller).
 */
@ApplicationScoped
public class ModelDirectory {

    private static final Logger LOG = Logger.getLogger(ModelDirectory.class);
    static final long RECHECK_MILLIS = 1_000;

    /** One OIP model name, the service that serves it, and the concurrency its compose labels ask for. */
    public record Served(String name, String service, Optional<Integer> concurrency) {}

    private final Path file;
    private final Map<String, Served> configured = new LinkedHashMap<>();
    private final ObjectMapper json;
    private volatile Map<String, Served> published = Map.of();
    private volatile long checkedAt;
    private volatile String seen = "";

    public ModelDirectory(GatewayConfig config, ObjectMapper json) {
        this.file = Path.of(config.models().index());
        this.json = json;
        for (String name : config.models().names().orElse(List.of())) {
            if (!ModelNames.valid(name)) {
                throw new IllegalArgumentException("gateway.models.names: '" + name + "' is not a valid model name");
            }
            configured.put(name, new Served(name, name, Optional.empty()));
        }
    }

    /**
     * Every model name served now: the configured ones, then the published ones (in the index's order); a name in
     * both is served as the index says.
     */
    public List<Served> all() {
        Map<String, Served> published = current();
        Map<String, Served> all = new LinkedHashMap<>();
        configured.forEach((name, served) -> all.put(name, published.getOrDefault(name, served)));
        published.forEach(all::putIfAbsent);
        return List.copyOf(all.values());
    }

    public Optional<Served> find(String model) {
        return Optional.ofNullable(current().get(model)).or(() -> Optional.ofNullable(configured.get(model)));
    }

    /** The service serving {@code model}; the model's own name when no index knows it. */
    public String serviceOf(String model) {
        return find(model).map(Served::service).orElse(model);
    }

    private Map<String, Served> current() {
        long now = System.currentTimeMillis();
        if (now - checkedAt >= RECHECK_MILLIS) {
            checkedAt = now;
            reload();
        }
        return published;
    }

    private synchronized void reload() {
        String stamp;
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            stamp = attributes.lastModifiedTime().toMillis() + "/" + attributes.size() + "/" + attributes.fileKey();
        } catch (NoSuchFileException e) {
            stamp = "absent";
        } catch (IOException e) {
            LOG.warnf("cannot read the model index %s: %s; keeping the last one", file, e.getMessage());
            return;
        }
        if (stamp.equals(seen)) {
            return;
        }
        try {
            published = "absent".equals(stamp) ? Map.of() : parse(json.readTree(file.toFile()));
            seen = stamp;
            LOG.infof("model index %s: %s", file, published.values());
        } catch (IOException | RuntimeException e) {
            LOG.warnf("model index %s is unreadable: %s; keeping the last one", file, e.getMessage());
        }
    }

    private static Map<String, Served> parse(JsonNode root) {
        Map<String, Served> found = new LinkedHashMap<>();
        JsonNode models = root.path("models");
        for (Iterator<Map.Entry<String, JsonNode>> it = models.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String service = entry.getValue().path("service").asText("");
            if (!ModelNames.valid(entry.getKey()) || !ModelNames.valid(service)) {
                LOG.warnf("model index: skipping model '%s' of service '%s' (not a valid name)", entry.getKey(),
                        service);
                continue;
            }
            JsonNode concurrency = entry.getValue().path("concurrency");
            found.put(entry.getKey(), new Served(entry.getKey(), service,
                    concurrency.canConvertToInt() && concurrency.asInt() > 0
                            ? Optional.of(concurrency.asInt()) : Optional.empty()));
        }
        return java.util.Collections.unmodifiableMap(found);
    }
}
