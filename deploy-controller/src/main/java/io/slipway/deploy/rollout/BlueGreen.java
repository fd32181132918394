package io.slipway.deploy.rollout;

import java.time.Instant;

/**
 * Blue-green, for models that fit twice: start the new color next to the live one → wait until it is ready → switch
 * nginx → verify through nginx → drain and remove the old color. Any failure before the old color is gone puts the
 * traffic back on it and removes the new containers. The reconciler runs the same steps (kind {@code RECONCILE}) to
 * bring back a service none of whose colors runs.
 */
final class BlueGreen implements Strategy {

    @Override
    public void run(Rollout rollout, Target target) {
        NewColor next = new NewColor(rollout, target);
        TrafficSwitch traffic = new TrafficSwitch(rollout, target.previousRoute());
        try {
            rollout.timed("create", () -> {
                next.removeLeftovers();
                next.start();
            });
            rollout.timed("ready", next::awaitReady);
            Instant ready = rollout.now();
            rollout.timed("switch", () -> traffic.to(next.route()));
            rollout.timed("verify", () -> traffic.verify(target.color(), ready));
        } catch (RuntimeException e) {
            throw rollBack(rollout, target, traffic, next, e);
        }
        retireOld(rollout, target);
    }

    /** A failure before the old color is gone: traffic back on it, the new containers removed; the failure to throw. */
    static DeployFailure rollBack(Rollout rollout, Target target, TrafficSwitch traffic, NewColor next,
                                  RuntimeException e) {
        rollout.step("rollback", "failed: " + DeployFailure.reason(e) + "; keeping " + target.previousRoute().color());
        traffic.back();
        next.remove();
        return DeployFailure.of(e);
    }

    /** Once the new color has all the traffic: drain the old one, then stop and remove it. */
    static void retireOld(Rollout rollout, Target target) {
        OldColor old = OldColor.of(rollout, target);
        rollout.timed("drain", old::drain);
        rollout.timed("stop", old::stopAndRemove);
    }
}
