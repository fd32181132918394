package io.slipway.gateway.testing;

import io.slipway.testsupport.Ports;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The parts a gateway talks to, for {@code @QuarkusTest}s: a real sample model (its jar) behind a real nginx that
 * routes {@code /models/sample-model/} to it, and {@code /models/broken-model/} to a port nobody listens on (nginx
 * answers 502, as during a failed swap). The model also serves the name {@code large-model}, which a published
 * model index maps to service {@code sample-model}.
 */
public class ModelStack implements QuarkusTestResourceLifecycleManager {

    public static final String WEBHOOK_SECRET = "test-webhook-secret";
    public static final String MAPPING = "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\","
            + "\"fields\":[\"x0\",\"x1\",\"x2\",\"x3\"]}]}";

    private SampleModel model;
    private Nginx nginx;

    @Override
    public Map<String, String> start() {
        // One server serving two OIP names, as a Triton container does: "large-model" is reached only through the
        // index deploy-controller publishes, which names its service.
        model = SampleModel.start(Map.of("SAMPLE_MODEL_NAMES", "sample-model,large-model"));
        nginx = Nginx.start(Map.of(
                "sample-model", List.of(model.address()),
                "broken-model", List.of("127.0.0.1:" + Ports.freePort())));
        Map<String, String> config = new HashMap<>();
        config.put("gateway.models.url", nginx.url());
        // A fresh embedded store per application start: no test sees another's queue.
        config.put("gateway.store.url", "jdbc:h2:file:" + Path.of("target", "jobs-test", UUID.randomUUID().toString(),
                "jobs").toAbsolutePath());
        config.put("gateway.models.names", "sample-model,broken-model");
        config.put("gateway.models.index", index().toString());
        config.put("gateway.model.\"sample-model\".mapping", MAPPING);
        config.put("gateway.dispatch.poll-interval", "50ms");
        config.put("gateway.dispatch.max-attempts", "3");
        config.put("gateway.dispatch.retry-base-delay", "100ms");
        config.put("gateway.dispatch.retry-max-delay", "300ms");
        config.put("gateway.webhooks.allowed-hosts", "127.0.0.1");
        config.put("gateway.webhooks.secret", WEBHOOK_SECRET);
        return config;
    }

    /** What deploy-controller publishes for a service "sample-model" labelled io.slipway.models=large-model. */
    private static Path index() {
        Path file = Path.of("target", "models-index", UUID.randomUUID().toString(), "models.json").toAbsolutePath();
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, "{\"version\":1,\"models\":{\"large-model\":{\"service\":\"sample-model\","
                    + "\"concurrency\":2}}}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    @Override
    public void stop() {
        if (nginx != null) {
            nginx.close();
        }
        if (model != null) {
            model.close();
        }
    }
}
