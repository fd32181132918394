package io.slipway.gateway.job;

import io.slipway.gateway.error.GatewayError;
import java.time.Duration;

/** A model's queue is at its limit: 429 with Retry-After. */
public class QueueFull extends JobRejected {

    private final Duration retryAfter;

    public QueueFull(String model, long depth, Duration retryAfter) {
        super(GatewayError.QUEUE_FULL, "model '" + model + "' has " + depth + " queued jobs, its limit; retry after "
                + Math.max(1, retryAfter.toSeconds()) + " s");
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
