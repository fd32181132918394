package io.slipway.deploy.rollout;

import io.slipway.deploy.engine.ContainerEngine.ContainerInfo;
import io.slipway.deploy.engine.ContainerEngine.Health;
import io.slipway.deploy.service.LiveService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The health gate of a new color: every container must turn healthy (its Docker healthcheck, or without one the
 * model's own readiness probe) before the health timeout; one that exits fails the deploy at once, with its log.
 */
final class Readiness {

    static final Duration POLL = Duration.ofMillis(250);
    static final int LOG_LINES = 40;

    private final Rollout rollout;
    private final int port;

    Readiness(Rollout rollout, int port) {
        this.rollout = rollout;
        this.port = port;
    }

    void await(List<ContainerInfo> containers) {
        Duration timeout = rollout.plan().healthTimeout();
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ContainerInfo> waiting = new ArrayList<>(containers);
        rollout.step("health", "waiting up to " + timeout + " for " + names(waiting) + " to be healthy");
        var engine = rollout.context().engine();
        while (!waiting.isEmpty()) {
            for (ContainerInfo c : List.copyOf(waiting)) {
                ContainerInfo now = engine.inspectContainer(c.id())
                        .orElseThrow(() -> new DeployFailure("container " + c.name() + " disappeared", null));
                if (Set.of("exited", "dead", "restarting").contains(now.status()) || (!now.running()
                        && !"created".equals(now.status()))) {
                    throw new DeployFailure("container " + c.name() + " exited with code " + now.exitCode()
                            + " before it was healthy", engine.logTail(c.id(), LOG_LINES));
                }
                if (isHealthy(now)) {
                    waiting.remove(c);
                    rollout.step("healthy", c.name() + " is healthy");
                }
            }
            if (waiting.isEmpty()) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                ContainerInfo first = waiting.get(0);
                String health = engine.inspectContainer(first.id()).map(c -> c.health().name().toLowerCase())
                        .orElse("gone");
                throw new DeployFailure(first.name() + " was not healthy within " + timeout
                        + " (health: " + health + ")", engine.logTail(first.id(), LOG_LINES));
            }
            Rollout.sleep(POLL);
        }
    }

    private boolean isHealthy(ContainerInfo c) {
        if (c.health() != Health.NONE) {
            return c.health() == Health.HEALTHY;
        }
        if (!rollout.context().config().httpProbe()) {
            throw new DeployFailure("image of " + c.name() + " has no HEALTHCHECK and deploy.http-probe is off",
                    null);
        }
        return c.running() && rollout.context().traffic().ready(LiveService.alias(c), port);
    }

    private static String names(List<ContainerInfo> containers) {
        return containers.stream().map(ContainerInfo::name).collect(Collectors.joining(", "));
    }
}
