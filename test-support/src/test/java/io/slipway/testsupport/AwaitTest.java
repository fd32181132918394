package io.slipway.testsupport;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {

    @Test
    void returnsOnceTheConditionHoldsAndCountsExceptionsAsNotYet() {
        AtomicInteger polls = new AtomicInteger();
        assertDoesNotThrow(() -> Await.until("third poll", Duration.ofSeconds(30), () -> {
            if (polls.incrementAndGet() < 3) {
                throw new IllegalStateException("not yet");
            }
            return true;
        }));
    }

    @Test
    void aDeadProcessEndsTheWaitAtOnceWithItsLog() {
        ChildProcess dead = ChildProcess.start("dies", List.of("sh", "-c", "echo about to die; exit 7"), Map.of());
        long start = System.nanoTime();
        AssertionError e = assertThrows(AssertionError.class,
                () -> dead.awaitHttp200("http://127.0.0.1:" + Ports.freePort() + "/", Duration.ofMinutes(5)));
        assertTrue(System.nanoTime() - start < Duration.ofMinutes(1).toNanos(), "gave up before the deadline");
        assertTrue(e.getMessage().contains("exited with 7") && e.getMessage().contains("about to die"),
                e.getMessage());
    }

    @Test
    void theDeadlineFailsWithWhatWasAwaitedAndTheContext() {
        AssertionError e = assertThrows(AssertionError.class, () -> Await.until("never", Duration.ofMillis(300),
                () -> false, () -> false, () -> "last state: stuck"));
        assertTrue(e.getMessage().contains("never: not within PT0.3S") && e.getMessage().contains("stuck"),
                e.getMessage());
    }
}
