package io.slipway.mirror.jobs;

import io.slipway.mirror.upstream.UpstreamRateLimitedException;
import io.slipway.mirror.upstream.UpstreamUnavailableException;
import io.slipway.mirror.upstream.UpstreamException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;

/**
 * Bounded retries of one transfer step: transient failures (a 5xx or 429 from either side, a broken connection) are
 * tried again after a backoff that doubles up to 8 times the first; anything else fails at once.
 */
final class Retry {

    @FunctionalInterface
    interface Step<T> {
        T run() throws IOException;
    }

    private final int attempts;
    private final Duration backoff;

    Retry(int attempts, Duration backoff) {
        this.attempts = Math.max(1, attempts);
        this.backoff = backoff;
    }

    <T> T run(Step<T> step, Runnable onRetry) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return step.run();
            } catch (IOException e) {
                if (attempt >= attempts || !isTransient(e)) {
                    throw e;
                }
                onRetry.run();
                sleep(backoff.multipliedBy(Math.min(8, 1L << (attempt - 1))));
            }
        }
    }

    static boolean isTransient(IOException e) {
        if (e instanceof DestinationException d) {
            return d.isTransient();
        }
        if (e instanceof UpstreamException) {
            return e instanceof UpstreamUnavailableException || e instanceof UpstreamRateLimitedException;
        }
        return !(e instanceof InterruptedIOException);
    }

    private static void sleep(Duration d) throws InterruptedIOException {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to retry");
        }
    }
}
