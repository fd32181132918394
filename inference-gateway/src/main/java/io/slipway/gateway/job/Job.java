package io.slipway.gateway.job;

import java.time.Instant;

/**
 * A job as stored, without its (possibly large) request and result.
 *
 * @param webhookState {@code null} without a webhook, else {@code pending}, {@code delivered} or {@code failed}
 */
public record Job(
        String id,
        String model,
        JobStatus status,
        int attempts,
        String error,
        long timeoutMillis,
        String webhookUrl,
        String webhookState,
        Instant createdAt,
        Instant updatedAt,
        Instant startedAt,
        Instant finishedAt) {}
