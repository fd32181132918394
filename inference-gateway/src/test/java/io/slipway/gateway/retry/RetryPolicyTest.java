package io.slipway.gateway.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The retry rules of a job, attempt by attempt, without a model, a store or a clock. */
class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(3, new Backoff(Duration.ofMillis(100), Duration.ofMillis(250)),
            20);

    private static byte[] body(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aModelsAnswerSucceedsWithItsBody() {
        RetryPolicy.Succeed ok = assertInstanceOf(RetryPolicy.Succeed.class,
                policy.answered(1, 200, body("{\"outputs\":[]}")));
        assertEquals("{\"outputs\":[]}", ok.result());
    }

    @Test
    void aResultOverTheSizeLimitFailsInsteadOfBeingStored() {
        RetryPolicy.Fail fail = assertInstanceOf(RetryPolicy.Fail.class,
                policy.answered(1, 200, body("{\"outputs\":[1,2,3,4,5,6]}")));
        assertTrue(fail.error().contains("over the limit of 20 bytes"), fail.error());
    }

    @Test
    void serverErrorsThrottlingAndRequestTimeoutsAreRetriedUntilTheLastAttempt() {
        for (int status : new int[] {500, 502, 503, 429, 408}) {
            RetryPolicy.Retry retry = assertInstanceOf(RetryPolicy.Retry.class,
                    policy.answered(1, status, body("busy")), "HTTP " + status);
            assertEquals("model answered HTTP " + status + ": busy", retry.error());
            RetryPolicy.Fail last = assertInstanceOf(RetryPolicy.Fail.class, policy.answered(3, status, body("busy")));
            assertEquals("gave up after 3 attempts: model answered HTTP " + status + ": busy", last.error());
        }
    }

    @Test
    void clientErrorsFailAtOnceWithTheModelsWords() {
        RetryPolicy.Fail fail = assertInstanceOf(RetryPolicy.Fail.class,
                policy.answered(1, 400, body("  input 'x' must have shape [rows,4]\n")));
        assertEquals("model answered HTTP 400: input 'x' must have shape [rows,4]", fail.error());
        String longBody = "e".repeat(2000);
        String error = ((RetryPolicy.Fail) policy.answered(1, 422, body(longBody))).error();
        assertTrue(error.endsWith("...") && error.length() < 600, "bodies are cut: " + error.length());
    }

    @Test
    void anUnreachableModelIsRetriedButAJobPastItsTimeoutFails() {
        RetryPolicy.Retry retry = assertInstanceOf(RetryPolicy.Retry.class,
                policy.unanswered(2, false, "connection refused", Duration.ofSeconds(30)));
        assertEquals("connection refused", retry.error());
        assertInstanceOf(RetryPolicy.Fail.class, policy.unanswered(3, false, "connection refused",
                Duration.ofSeconds(30)));
        RetryPolicy.Fail timedOut = assertInstanceOf(RetryPolicy.Fail.class,
                policy.unanswered(1, true, "timeout", Duration.ofSeconds(30)));
        assertEquals("the model did not answer within 30 s (the job's timeout)", timedOut.error());
    }

    @Test
    void backoffDoublesPerAttemptWithJitterUpToItsCap() {
        for (int i = 0; i < 200; i++) {
            long first = ((RetryPolicy.Retry) policy.answered(1, 503, body(""))).delay().toMillis();
            long second = ((RetryPolicy.Retry) policy.answered(2, 503, body(""))).delay().toMillis();
            assertTrue(first >= 80 && first <= 120, "first retry ~100 ms: " + first);
            assertTrue(second >= 160 && second <= 240, "second retry ~200 ms: " + second);
        }
        Backoff capped = new Backoff(Duration.ofMillis(100), Duration.ofMillis(250));
        long late = capped.after(10).toMillis();
        assertTrue(late >= 200 && late <= 300, "capped at 250 ms +-20%: " + late);
    }

    @Test
    void onlyAJobWhoseGatewayStoppedEachTimeGetsPastTheLastAttempt() {
        assertTrue(policy.beforeStart(3).isEmpty());
        RetryPolicy.Fail fail = assertInstanceOf(RetryPolicy.Fail.class, policy.beforeStart(4).orElseThrow());
        assertEquals("gave up after 3 attempts: the gateway running it stopped each time", fail.error());
    }
}
