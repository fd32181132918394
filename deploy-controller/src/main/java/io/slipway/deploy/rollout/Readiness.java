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
 * The health gate of a new color: every container must turn ready before the health timeout; one that exits fails
 * the deploy at once, with its log. Ready is the engine's healthcheck passing <em>or</em> the model's own OIP
 * readiness ({@code /v2/health/ready} on its port, asked over the project network): the engine only runs a
 * healthcheck every interval (seconds), the direct probe sees a loaded model within one {@link #POLL}. An engine that
 * has marked the container unhealthy is not overruled.
 */
final class Readiness {

    /** Short: a model that is ready waits at most this long for its traffic (an inspect and a GET each). */
    static final Duration POLL = Duration.ofMillis(50);
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
                String ready = readiness(now);
                if (ready != null) {
                    waiting.remove(c);
                    rollout.step("healthy", c.name() + " is " + ready);
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

    /** How {@code c} is known to be ready ("healthy", "ready (...)"), or null while it is not. */
    private String readiness(ContainerInfo c) {
        if (c.health() == Health.HEALTHY) {
            return "healthy";
        }
        if (!rollout.context().config().httpProbe()) {
            if (c.health() == Health.NONE) {
                throw new DeployFailure("image of " + c.name() + " has no HEALTHCHECK and deploy.http-probe is off",
                        null);
            }
            return null;
        }
        if (c.health() == Health.UNHEALTHY || !c.running()) {
            return null;
        }
        boolean ready = rollout.context().traffic().ready(LiveService.alias(c), port);
        return ready ? (c.health() == Health.NONE ? "healthy" : "ready") + " (its /v2/health/ready answered 200)"
                : null;
    }

    private static String names(List<ContainerInfo> containers) {
        return containers.stream().map(ContainerInfo::name).collect(Collectors.joining(", "));
    }
}
