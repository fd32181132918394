package io.slipway.gateway.job;

import java.time.Instant;

/** A job a worker holds under a lease; only the holder of {@code leaseToken} may finish it. */
public record ClaimedJob(String id, String model, String request, int attempt, long timeoutMillis,
        String leaseToken, Instant createdAt) {}
