package io.slipway.gateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.slipway.gateway.config.GatewayConfig;
import io.slipway.gateway.error.GatewayError;
import io.slipway.gateway.error.JsonErrors;
import io.slipway.gateway.job.InputMapping;
import io.slipway.gateway.job.JobRejected;
import io.slipway.gateway.job.NewJob;
import io.slipway.gateway.job.OipRequests;
import io.slipway.gateway.job.QueueFull;
import io.slipway.gateway.metrics.JobMetrics;
import io.slipway.gateway.model.ModelCatalog;
import io.slipway.gateway.store.JobStore;
import io.slipway.gateway.webhook.WebhookPolicy;
import io.slipway.gateway.worker.Dispatcher;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Turns a submission ({@code {model, input, mapping?, webhook?, timeoutSeconds?}}) into a stored job: everything
 * is checked before anything is stored, and the answer is given only once the store has committed.
 */
@ApplicationScoped
public class JobSubmissions {

    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    private static final long MAX_TIMEOUT_SECONDS = 24 * 3600;

    private final JobStore store;
    private final ModelCatalog catalog;
    private final Dispatcher dispatcher;
    private final WebhookPolicy webhooks;
    private final JobMetrics metrics;
    private final ObjectMapper json;
    private final Duration defaultTimeout;
    private final Duration retryAfter;

    public JobSubmissions(JobStore store, ModelCatalog catalog, Dispatcher dispatcher, WebhookPolicy webhooks,
            JobMetrics metrics, ObjectMapper json, GatewayConfig config) {
        this.store = store;
        this.catalog = catalog;
        this.dispatcher = dispatcher;
        this.webhooks = webhooks;
        this.metrics = metrics;
        this.json = json;
        this.defaultTimeout = config.dispatch().jobTimeout();
        this.retryAfter = config.dispatch().retryAfter();
    }

    /** Parses a JSON body, refusing malformed JSON and anything but an object. */
    public ObjectNode parse(byte[] body) {
        JsonNode node;
        try {
            node = body == null || body.length == 0 ? null : json.readTree(body);
        } catch (IOException e) {
            String detail = e instanceof JsonProcessingException p ? JsonErrors.describe(p)
                    : "the body could not be read";
            throw new JobRejected(GatewayError.MALFORMED_JSON, detail);
        }
        if (node == null || !node.isObject()) {
            throw new JobRejected(GatewayError.INVALID_SUBMISSION, "the body must be a JSON object");
        }
        return (ObjectNode) node;
    }

    public static void requireJobId(String id) {
        if (id == null || !JOB_ID.matcher(id).matches()) {
            throw new JobRejected(GatewayError.INVALID_JOB_ID, "a job id is 1-128 letters, digits, '.', '_', ':' "
                    + "or '-', starting with a letter or digit");
        }
    }

    /** Stores the job (or finds the one stored under {@code clientId}). */
    public JobStore.Submission submit(Optional<String> clientId, ObjectNode body) {
        clientId.ifPresent(JobSubmissions::requireJobId);
        JsonNode modelNode = body.path("model");
        if (!modelNode.isTextual()) {
            throw new JobRejected(GatewayError.INVALID_SUBMISSION, "'model' (a string) is required");
        }
        String model = modelNode.asText();
        ModelCatalog.ModelSettings settings = catalog.require(model);
        JsonNode input = body.get("input");
        if (input == null || input.isNull()) {
            throw new JobRejected(GatewayError.INVALID_SUBMISSION, "'input' is required: an OIP inference request, or "
                    + "any JSON together with a 'mapping'");
        }
        String id = clientId.orElseGet(() -> UUID.randomUUID().toString());
        String request = request(id, input, body.get("mapping"), settings);
        long timeoutMillis = timeout(body.get("timeoutSeconds"));
        String webhook = webhook(body.get("webhook"));
        NewJob job = new NewJob(id, model, request, hash(model, request, timeoutMillis, webhook), timeoutMillis,
                webhook);
        if (clientId.isEmpty() || store.find(id).isEmpty()) {
            long depth = dispatcher.queueDepth(model);
            if (depth >= settings.maxQueueDepth()) {
                metrics.rejected(model, "queue_full");
                throw new QueueFull(model, depth, retryAfter);
            }
        }
        JobStore.Submission submission = store.submit(job, Instant.now());
        if (submission.created()) {
            metrics.submitted(model);
            dispatcher.accepted(model);
        }
        return submission;
    }

    private String request(String id, JsonNode input, JsonNode mappingNode, ModelCatalog.ModelSettings settings) {
        JsonNode request;
        if (mappingNode != null && !mappingNode.isNull()) {
            request = InputMapping.parse(mappingNode).apply(input, id);
        } else if (OipRequests.isOipRequest(input)) {
            request = input;
        } else if (settings.mapping().isPresent()) {
            request = settings.mapping().get().apply(input, id);
        } else {
            throw new JobRejected(GatewayError.INVALID_INFERENCE_REQUEST, "'input' is not an OIP inference request "
                    + "(no 'inputs' array) and model '" + settings.name() + "' has no mapping: send 'mapping' too, "
                    + "or configure gateway.model.\"" + settings.name() + "\".mapping");
        }
        OipRequests.validate(request, catalog.metadata(settings.name()));
        try {
            return json.writeValueAsString(request);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private long timeout(JsonNode node) {
        if (node == null || node.isNull()) {
            return defaultTimeout.toMillis();
        }
        if (!node.isIntegralNumber() || node.asLong() < 1 || node.asLong() > MAX_TIMEOUT_SECONDS) {
            throw new JobRejected(GatewayError.INVALID_SUBMISSION, "'timeoutSeconds' must be a whole number from 1 to "
                    + MAX_TIMEOUT_SECONDS + ", got " + node);
        }
        return node.asLong() * 1000;
    }

    private String webhook(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new JobRejected(GatewayError.INVALID_WEBHOOK, "'webhook' must be a URL string");
        }
        return webhooks.require(node.asText());
    }

    private static String hash(String model, String request, long timeoutMillis, String webhook) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((model + "\n" + timeoutMillis + "\n" + webhook + "\n").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest(request.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
