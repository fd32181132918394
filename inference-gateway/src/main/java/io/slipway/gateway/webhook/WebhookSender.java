package io.slipway.gateway.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slipway.gateway.config.GatewayConfig;
import io.slipway.gateway.job.JobView;
import io.slipway.gateway.job.WebhookDelivery;
import io.slipway.gateway.retry.Backoff;
import io.slipway.gateway.store.JobStore;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Posts finished jobs to their webhooks, signed, retried with backoff. Deliveries are claimed from the store, so
 * they survive restarts and each is made by one replica at a time. Redirects are not followed (no SSRF by redirect).
 */
@ApplicationScoped
public class WebhookSender {

    private static final Logger LOG = Logger.getLogger(WebhookSender.class);
    private static final int MAX_IN_FLIGHT = 16;
    private static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5));

    private final JobStore store;
    private final WebhookPolicy policy;
    private final ObjectMapper json;
    private final WebClient client;
    private final Duration timeout;
    private final int maxAttempts;
    private final AtomicInteger inFlight = new AtomicInteger();

    public WebhookSender(Vertx vertx, JobStore store, WebhookPolicy policy, GatewayConfig config, ObjectMapper json) {
        this.store = store;
        this.policy = policy;
        this.json = json;
        this.timeout = config.webhooks().timeout();
        this.maxAttempts = config.webhooks().maxAttempts();
        this.client = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false).setKeepAlive(true)
                .setConnectTimeout((int) Math.min(timeout.toMillis(), 10_000)));
    }

    /** Sends the deliveries that are due, as many as there is room for; results are stored on {@code executor}. */
    public void deliverDue(Instant now, Executor executor) {
        if (policy.secret().isEmpty()) {
            return;
        }
        int room = MAX_IN_FLIGHT - inFlight.get();
        if (room <= 0) {
            return;
        }
        for (WebhookDelivery delivery : store.claimWebhooks(now, room, timeout.plusSeconds(30))) {
            send(delivery, executor);
        }
    }

    private void send(WebhookDelivery delivery, Executor executor) {
        String id = delivery.job().id();
        URI uri = URI.create(delivery.job().webhookUrl());
        if (!policy.allows(uri)) {
            LOG.warnf("webhook of job %s dropped: host %s is no longer allowed", id, uri.getHost());
            store.webhookFailed(id);
            return;
        }
        byte[] body;
        try {
            body = json.writeValueAsBytes(JobView.of(delivery.job()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        long timestamp = Instant.now().getEpochSecond();
        inFlight.incrementAndGet();
        client.postAbs(uri.toString())
                .timeout(timeout.toMillis())
                .putHeader("Content-Type", "application/json")
                .putHeader("X-Slipway-Job", id)
                .putHeader(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
                .putHeader(WebhookSignature.SIGNATURE_HEADER,
                        WebhookSignature.sign(policy.secret().orElseThrow(), timestamp, body))
                .sendBuffer(Buffer.buffer(body))
                .emitOn(executor)
                .subscribe().with(response -> {
                    settle(delivery, response.statusCode() >= 200 && response.statusCode() < 300,
                            "HTTP " + response.statusCode());
                }, failure -> settle(delivery, false, String.valueOf(failure.getMessage())));
    }

    private void settle(WebhookDelivery delivery, boolean delivered, String outcome) {
        String id = delivery.job().id();
        try {
            if (delivered) {
                store.webhookDelivered(id);
            } else if (delivery.attempt() >= maxAttempts) {
                LOG.warnf("webhook of job %s failed for good after %d attempts: %s", id, delivery.attempt(), outcome);
                store.webhookFailed(id);
            } else {
                store.webhookRetry(id, Instant.now().plus(BACKOFF.after(delivery.attempt())));
            }
        } catch (RuntimeException e) {
            // The claim expires and the delivery is tried again.
            LOG.warnf("could not record webhook outcome of job %s: %s", id, e.getMessage());
        } finally {
            inFlight.decrementAndGet();
        }
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
