package io.slipway.gateway.retry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with +-20% jitter, so that jobs failed together do not all come back together. */
public record Backoff(Duration base, Duration max) {

    /** Delay before attempt {@code failedAttempt + 1}. */
    public Duration after(int failedAttempt) {
        double exponential = base.toMillis() * Math.pow(2, Math.max(0, failedAttempt - 1));
        double capped = Math.min(exponential, max.toMillis());
        double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
        return Duration.ofMillis(Math.max(1, Math.round(capped * jitter)));
    }
}
