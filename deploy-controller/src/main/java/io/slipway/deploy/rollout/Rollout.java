package io.slipway.deploy.rollout;

import io.slipway.deploy.state.Deploy;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/** One deploy being carried out: what was asked ({@code plan}), where it is recorded ({@code log}) and with what. */
record Rollout(DeployPlan plan, DeployLog log, DeployContext context) {

    String service() {
        return plan.service();
    }

    String id() {
        return log.current().id();
    }

    void step(String step, String message) {
        log.step(step, message);
    }

    Instant now() {
        return log.clock().instant();
    }

    /** Runs {@code phase} and records how long it took in the deploy ({@link Deploy#phases()}), also when it fails. */
    void timed(String phase, Runnable work) {
        timed(phase, () -> {
            work.run();
            return null;
        });
    }

    <T> T timed(String phase, Supplier<T> work) {
        long start = System.nanoTime();
        try {
            return work.get();
        } finally {
            long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            log.update(d -> d.withPhase(new Deploy.Phase(phase, millis)));
        }
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeployFailure("interrupted", null);
        }
    }
}
