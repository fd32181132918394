package io.slipway.deploy.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.slipway.deploy.config.DeployConfig;
import io.slipway.deploy.state.AtomicFile;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Publishes which OIP model names are served by which model service as {@code models.json} in the nginx-config volume
 * (next to the route files): the gateway reads it from there, so routing by model name goes on while the controller
 * is down or restarting. Written by temp + fsync + rename, and only when it changes. A model name two services claim
 * goes to the first service by name (and is logged).
 */
@ApplicationScoped
public class ModelIndex {

    public static final String FILE = "models.json";
    private static final Logger LOG = Logger.getLogger(ModelIndex.class);

    private final Path file;
    private final ObjectMapper json;
    private volatile byte[] written;

    @jakarta.inject.Inject
    public ModelIndex(DeployConfig config, ObjectMapper json) {
        this(Path.of(config.nginx().configDir(), FILE), json);
    }

    public ModelIndex(Path file, ObjectMapper json) {
        this.file = file;
        this.json = json;
    }

    /** Writes the index of {@code services} when it differs from the file. */
    public void publish(List<ModelService> services) throws IOException {
        byte[] content = render(services);
        if (written != null && Arrays.equals(written, content)) {
            return;
        }
        if (!Files.exists(file) || !Arrays.equals(Files.readAllBytes(file), content)) {
            Files.createDirectories(file.getParent());
            AtomicFile.write(file, content);
            LOG.infof("published %s: %s", file, services.stream().map(s -> s.service() + "=" + s.models()).toList());
        }
        written = content;
    }

    byte[] render(List<ModelService> services) throws IOException {
        ObjectNode root = json.createObjectNode();
        root.put("version", 1);
        ObjectNode models = root.putObject("models");
        var list = root.putArray("services");
        for (ModelService s : services) {
            ObjectNode entry = list.addObject();
            entry.put("service", s.service());
            entry.put("port", s.port());
            entry.put("strategy", s.strategy());
            s.models().forEach(entry.putArray("models")::add);
            for (String model : s.models()) {
                if (models.has(model)) {
                    LOG.warnf("model %s is served by %s and %s; requests go to %s", model,
                            models.get(model).get("service").asText(), s.service(),
                            models.get(model).get("service").asText());
                    continue;
                }
                ObjectNode m = models.putObject(model);
                m.put("service", s.service());
                s.concurrency().ifPresent(c -> m.put("concurrency", c));
            }
        }
        return json.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }
}
