package io.slipway.gateway.retry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * What becomes of a job after one attempt, decided from the attempt alone: no clock, no store, no I/O, so every rule
 * is a unit test. A model's 2xx succeeds (unless the result is over the size limit); connection errors, 5xx, 429
 * and 408 are retried with backoff until the last attempt; other 4xx and a call past the job's timeout fail.
 */
public record RetryPolicy(int maxAttempts, Backoff backoff, long maxResultBytes) {

    private static final int MAX_ERROR_BODY = 500;

    /** The decision for one attempt. */
    public sealed interface Outcome permits Succeed, Retry, Fail {}

    public record Succeed(String result) implements Outcome {}

    public record Retry(String error, Duration delay) implements Outcome {}

    public record Fail(String error) implements Outcome {}

    /**
     * Before attempt {@code attempt} starts: only a job whose gateway stopped during each attempt (its lease ran
     * out every time) gets past {@code maxAttempts}, since every other failure is counted before re-queueing.
     */
    public Optional<Outcome> beforeStart(int attempt) {
        return attempt > maxAttempts ? Optional.of(new Fail("gave up after " + maxAttempts
                + " attempts: the gateway running it stopped each time")) : Optional.empty();
    }

    /** The model answered with {@code status} and {@code body}. */
    public Outcome answered(int attempt, int status, byte[] body) {
        if (status >= 200 && status < 300) {
            return body.length > maxResultBytes
                    ? new Fail("the model's result of " + body.length + " bytes is over the limit of "
                            + maxResultBytes + " bytes (gateway.max-result-size)")
                    : new Succeed(new String(body, StandardCharsets.UTF_8));
        }
        String error = "model answered HTTP " + status + ": " + snippet(body);
        return status >= 500 || status == 429 || status == 408 ? retryOrFail(attempt, error) : new Fail(error);
    }

    /** No answer: the call ran past the job's {@code timeout}, or the model could not be reached. */
    public Outcome unanswered(int attempt, boolean timedOut, String reason, Duration timeout) {
        return timedOut ? new Fail("the model did not answer within " + timeout.toSeconds() + " s (the job's timeout)")
                : retryOrFail(attempt, reason);
    }

    private Outcome retryOrFail(int attempt, String error) {
        return attempt >= maxAttempts ? new Fail("gave up after " + attempt + " attempts: " + error)
                : new Retry(error, backoff.after(attempt));
    }

    private static String snippet(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).strip();
        return text.length() <= MAX_ERROR_BODY ? text : text.substring(0, MAX_ERROR_BODY) + "...";
    }
}
