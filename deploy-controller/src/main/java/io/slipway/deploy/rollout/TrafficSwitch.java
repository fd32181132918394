package io.slipway.deploy.rollout;

import io.slipway.deploy.proxy.ProxyException;
import io.slipway.deploy.proxy.Route;
import java.time.Duration;
import java.time.Instant;

/**
 * Moves the service's traffic in nginx and checks through nginx that it arrived; remembers whether it moved, so a
 * failed deploy puts the previous route back only when it was replaced.
 */
final class TrafficSwitch {

    static final Duration VERIFY_TIMEOUT = Duration.ofSeconds(15);

    private final Rollout rollout;
    private final Route previous;
    private boolean switched;

    TrafficSwitch(Rollout rollout, Route previous) {
        this.rollout = rollout;
        this.previous = previous;
    }

    /** Sends all traffic to {@code route}'s color. */
    void to(Route route) {
        rollout.step("switch", "nginx: " + rollout.service() + " -> " + route.color() + " " + route.backends());
        try {
            rollout.context().proxy().apply(route);
        } catch (ProxyException e) {
            throw new DeployFailure(e.getMessage(), null);
        }
        switched = true;
        rollout.step("reloaded", "nginx took the route to " + route.color());
    }

    /** Waits until nginx answers with {@code color}; records the time since the color was {@code ready}. */
    void verify(String color, Instant ready) {
        if (!rollout.context().traffic().servesColor(rollout.service(), color, VERIFY_TIMEOUT)) {
            throw new DeployFailure("traffic through nginx did not reach the " + color + " color within "
                    + VERIFY_TIMEOUT.toSeconds() + "s", null);
        }
        Duration swap = Duration.between(ready, rollout.now());
        rollout.context().metrics().switched(rollout.service(), swap);
        rollout.context().metrics().activeColor(rollout.service(), color);
        rollout.step("verified", "nginx answers with " + color + " (" + swap.toMillis() + " ms after healthy)");
    }

    /** Puts the previous route back, if the traffic had moved. */
    void back() {
        if (!switched) {
            return;
        }
        try {
            rollout.context().proxy().apply(previous);
            rollout.step("rollback", "nginx back on " + previous.color());
        } catch (RuntimeException e) {
            rollout.step("rollback", "could not switch nginx back: " + DeployFailure.reason(e));
        }
    }
}
