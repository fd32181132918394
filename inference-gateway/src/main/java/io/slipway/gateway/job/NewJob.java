package io.slipway.gateway.job;

/**
 * A validated submission, ready to be stored.
 *
 * @param request the OIP v2 inference request sent to the model (JSON)
 * @param requestHash what an idempotent re-submission must match (hex SHA-256 of the submission)
 */
public record NewJob(String id, String model, String request, String requestHash, long timeoutMillis,
        String webhookUrl) {}
