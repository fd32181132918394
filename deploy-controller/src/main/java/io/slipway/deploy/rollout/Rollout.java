package io.slipway.deploy.rollout;

import java.time.Instant;

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

    static void sleep(java.time.Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeployFailure("interrupted", null);
        }
    }
}
