package io.slipway.deploy.rollout;

import io.slipway.deploy.engine.ContainerEngine.ContainerInfo;
import io.slipway.deploy.proxy.Route;
import io.slipway.deploy.service.LiveService;
import java.util.List;

/**
 * The containers a deploy replaces: every color but the new one (and started compose-made ones). Retiring them drains
 * their requests, then stops (SIGTERM, up to the drain timeout) and removes them. Traffic is already elsewhere, so a
 * failure here does not fail the deploy: it is reported as a step, and the next deploy (or the reconciler) removes
 * what is left.
 */
final class OldColor {

    private final Rollout rollout;
    private final List<ContainerInfo> containers;
    /** The model's port on them (the definition's). */
    private final int port;

    private OldColor(Rollout rollout, List<ContainerInfo> containers, int port) {
        this.rollout = rollout;
        this.containers = containers;
        this.port = port;
    }

    /** The containers of the service now that are not of {@code target}'s color. */
    static OldColor of(Rollout rollout, Target target) {
        String color = target.color();
        List<ContainerInfo> old;
        try {
            old = rollout.context().project().containers(rollout.service()).stream()
                    .filter(c -> !LiveService.isDefinition(c) && !LiveService.colorOf(c).equals(color)).toList();
        } catch (RuntimeException e) {
            old = target.live().colors().stream().filter(c -> !LiveService.colorOf(c).equals(color)).toList();
        }
        return new OldColor(rollout, old, target.definition().port());
    }

    /**
     * Waits until the requests nginx still has on the old color's containers have finished, up to the drain timeout;
     * requests on other services and colors do not hold it up.
     */
    void drain() {
        var timeout = rollout.plan().drainTimeout();
        rollout.step("drain", "waiting up to " + timeout + " for requests on the old color to finish");
        try {
            List<Route.Backend> backends = LiveService.backends(containers, port);
            boolean drained = backends.isEmpty() || rollout.context().proxy().awaitDrained(backends, timeout);
            rollout.step("drain", drained ? "old requests finished" : "drain timeout reached; stopping anyway");
        } catch (RuntimeException e) {
            rollout.step("drain", "cannot watch the old requests (" + DeployFailure.reason(e)
                    + "); stopping after the drain timeout");
            Rollout.sleep(timeout);
        }
    }

    /** Stops the old containers (SIGTERM, up to the drain timeout) but keeps them, to start again on a failure. */
    void stop() {
        for (ContainerInfo c : containers) {
            try {
                rollout.context().engine().stop(c.id(), rollout.plan().drainTimeout());
                rollout.step("stop", "stopped " + c.name());
            } catch (RuntimeException e) {
                throw new DeployFailure("cannot stop " + c.name() + ": " + DeployFailure.reason(e), null);
            }
        }
    }

    /** Starts the stopped old containers again and waits until they are ready (a failed stop-first deploy). */
    void restart(int port) {
        for (ContainerInfo c : containers) {
            rollout.context().engine().start(c.id());
            rollout.step("rollback", "started " + c.name() + " again");
        }
        new Readiness(rollout, port).await(containers);
    }

    /** Removes the (stopped) old containers. */
    void remove() {
        for (ContainerInfo c : containers) {
            try {
                rollout.context().engine().remove(c.id());
                rollout.step("remove", "removed " + c.name());
            } catch (RuntimeException e) {
                rollout.step("remove", "could not remove " + c.name() + " (" + DeployFailure.reason(e)
                        + "); the next deploy will");
            }
        }
    }

    /** SIGTERM first: the model finishes what it still holds, up to the drain timeout. */
    void stopAndRemove() {
        for (ContainerInfo c : containers) {
            try {
                rollout.context().engine().stop(c.id(), rollout.plan().drainTimeout());
                rollout.context().engine().remove(c.id());
                rollout.step("remove", "removed " + c.name());
            } catch (RuntimeException e) {
                rollout.step("remove", "could not remove " + c.name() + " (" + DeployFailure.reason(e)
                        + "); the next deploy will");
            }
        }
    }
}
