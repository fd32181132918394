package io.slipway.deploy.rollout;

import io.slipway.deploy.proxy.Route;
import java.time.Instant;
import java.util.Locale;

/**
 * Canary, for models that fit twice and a version to try on part of the traffic first: start the new color next to
 * the live one → wait until it is ready → give it a share of the traffic in steps (nginx upstream weights, labels
 * {@code io.slipway.canary-steps}, default 10 → 50 → 100 %) → at each step, after {@code io.slipway.canary-step},
 * compare the new color's failed inference requests (5xx, as the model counts them) with
 * {@code io.slipway.canary-max-error-rate} → above it, roll back: all traffic back on the old color, the new one
 * removed; else promote: all traffic to the new color, verify through nginx, drain and remove the old color.
 */
final class Canary implements Strategy {

    @Override
    public void run(Rollout rollout, Target target) {
        CanarySteps steps;
        try {
            steps = CanarySteps.of(target.definition().template().labels());
        } catch (IllegalArgumentException e) {
            throw new DeployFailure(e.getMessage(), null);
        }
        NewColor next = new NewColor(rollout, target);
        Route previous = target.previousRoute();
        TrafficSwitch traffic = new TrafficSwitch(rollout, previous);
        try {
            rollout.timed("create", () -> {
                next.removeLeftovers();
                next.start();
            });
            rollout.timed("ready", next::awaitReady);
            rollout.timed("canary", () -> {
                for (int percent : steps.percents()) {
                    if (percent < 100) {
                        watch(rollout, traffic, previous, next.route(), percent, steps);
                    }
                }
            });
            Instant promoted = rollout.now();
            rollout.timed("switch", () -> traffic.to(next.route()));
            rollout.timed("verify", () -> traffic.verify(target.color(), promoted));
        } catch (RuntimeException e) {
            throw BlueGreen.rollBack(rollout, target, traffic, next, e);
        }
        BlueGreen.retireOld(rollout, target);
    }

    /** One step: {@code percent} % of the traffic to the new color for a step's time, then its error rate judged. */
    private static void watch(Rollout rollout, TrafficSwitch traffic, Route previous, Route next, int percent,
                              CanarySteps steps) {
        TrafficCheck check = rollout.context().traffic();
        TrafficCheck.Tally before = check.inferTally(next.backends());
        traffic.to(Route.split(previous, next, percent));
        Rollout.sleep(steps.step());
        TrafficCheck.Tally seen = check.inferTally(next.backends()).since(before);
        double rate = seen.errorRate();
        String observed = String.format(Locale.ROOT, "%d %% to the new color for %d ms: %d of %d inference "
                + "requests failed (error rate %.3f, max %.3f)", percent, steps.step().toMillis(), seen.errors(),
                seen.requests(), rate, steps.maxErrorRate());
        rollout.step("canary", observed);
        if (rate > steps.maxErrorRate()) {
            throw new DeployFailure(String.format(Locale.ROOT, "canary error rate %.3f at %d %% is above %.3f "
                    + "(%d of %d inference requests failed)", rate, percent, steps.maxErrorRate(), seen.errors(),
                    seen.requests()), null);
        }
    }
}
