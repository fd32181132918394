package io.slipway.gateway.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A job as clients see it: API answers and webhook payloads. Its links are absolute in API answers (under the
 * address the client used, forwarded headers included) and relative to the gateway in webhook payloads.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobView(
        String id,
        String model,
        String status,
        int attempts,
        String error,
        long timeoutSeconds,
        Instant createdAt,
        Instant updatedAt,
        Instant startedAt,
        Instant finishedAt,
        Webhook webhook,
        Map<String, String> links) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Webhook(String url, String state) {}

    /** The job with links relative to the gateway's root. */
    public static JobView of(Job job) {
        return of(job, "");
    }

    /** The job with links under {@code base}, such as {@code https://models.example.com:8443} (no final slash). */
    public static JobView of(Job job, String base) {
        Map<String, String> links = new LinkedHashMap<>();
        String self = base + "/jobs/" + job.id();
        links.put("self", self);
        links.put("result", self + "/result");
        links.put("events", self + "/events");
        links.put("cancel", self + "/cancel");
        return new JobView(job.id(), job.model(), job.status().wire(), job.attempts(), job.error(),
                job.timeoutMillis() / 1000, job.createdAt(), job.updatedAt(), job.startedAt(), job.finishedAt(),
                job.webhookUrl() == null ? null : new Webhook(job.webhookUrl(), job.webhookState()), links);
    }
}
