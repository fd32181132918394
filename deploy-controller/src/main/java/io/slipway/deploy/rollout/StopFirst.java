package io.slipway.deploy.rollout;

import io.slipway.deploy.hold.RequestHold;
import io.slipway.deploy.proxy.Route;
import java.time.Instant;

/**
 * Stop-first, for models that cannot fit twice (GPU memory): hold new requests at the front → drain the old color →
 * stop it → start the new color → wait until it is ready → release the held requests to it → switch nginx to it →
 * verify → remove the old color. Nothing is refused meanwhile: nginx sends the service's requests to the hold
 * ({@link RequestHold}), which parks them (503 with Retry-After past the hold timeout). Any failure removes the new
 * containers, starts the old ones again and releases the held requests to them.
 */
final class StopFirst implements Strategy {

    @Override
    public void run(Rollout rollout, Target target) {
        RequestHold hold = rollout.context().hold();
        String service = rollout.service();
        Route previous = target.previousRoute();
        OldColor old = OldColor.of(rollout, target);
        NewColor next = new NewColor(rollout, target);
        TrafficSwitch traffic = new TrafficSwitch(rollout, previous);
        boolean stopped = false;
        try {
            rollout.timed("hold", () -> {
                hold.hold(service);
                traffic.to(hold.route(service, rollout.id()));
            });
            rollout.timed("drain", old::drain);
            stopped = true;
            rollout.timed("stop", old::stop);
            rollout.timed("create", () -> {
                next.removeLeftovers();
                next.start();
            });
            rollout.timed("ready", next::awaitReady);
            Instant ready = rollout.now();
            rollout.timed("release", () -> hold.release(service, next.route().backends()));
            rollout.timed("switch", () -> traffic.to(next.route()));
            rollout.timed("verify", () -> traffic.verify(target.color(), ready));
        } catch (RuntimeException e) {
            rollout.step("rollback", "failed: " + DeployFailure.reason(e) + "; back to " + previous.color());
            if (stopped) {
                restartOld(rollout, old, previous);
            }
            hold.release(service, previous.backends());
            traffic.back();
            next.remove();
            unhold(rollout);
            throw DeployFailure.of(e);
        }
        rollout.timed("unhold", () -> unhold(rollout));
        rollout.timed("remove", old::remove);
    }

    private static void restartOld(Rollout rollout, OldColor old, Route previous) {
        try {
            old.restart(previous.backends().stream().findFirst().map(Route.Backend::port)
                    .orElse(rollout.context().config().modelPort()));
        } catch (RuntimeException e) {
            rollout.step("rollback", "the old color did not come back: " + DeployFailure.reason(e)
                    + " (the reconciler starts the last good version)");
        }
    }

    /**
     * Ends the hold as soon as nginx routes around it: what older nginx workers still send there goes on to the
     * released backends ({@link RequestHold#end}), so this waits neither for them nor for other services' requests.
     */
    private static void unhold(Rollout rollout) {
        RequestHold.Held held = rollout.context().hold().end(rollout.service());
        rollout.step("unhold", held.toString());
    }
}
