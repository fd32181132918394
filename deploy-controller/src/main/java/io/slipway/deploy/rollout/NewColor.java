package io.slipway.deploy.rollout;

import io.slipway.deploy.compose.ComposeLabels;
import io.slipway.deploy.engine.ContainerEngine;
import io.slipway.deploy.engine.ContainerEngine.ContainerInfo;
import io.slipway.deploy.engine.EngineException;
import io.slipway.deploy.proxy.Route;
import io.slipway.deploy.service.LiveService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The containers of the color a deploy creates, made like the service's definition (one-off compose containers, so
 * compose's {@code up} leaves them alone and {@code down} removes them). Removed again when the deploy fails.
 */
final class NewColor {

    static final Duration REMOVE_FAILED_TIMEOUT = Duration.ofSeconds(2);

    private final Rollout rollout;
    private final Target target;
    private final List<ContainerInfo> started = new ArrayList<>();

    NewColor(Rollout rollout, Target target) {
        this.rollout = rollout;
        this.target = target;
    }

    /** Removes containers of this color a failed or interrupted deploy left behind. */
    void removeLeftovers() {
        for (ContainerInfo c : target.live().ofColor(target.color())) {
            rollout.step("cleanup", "removing leftover " + c.name());
            rollout.context().engine().remove(c.id());
        }
    }

    /** Creates and starts {@code replicas} containers of the new color. */
    void start() {
        ContainerEngine engine = rollout.context().engine();
        Set<Integer> used = target.live().containers().stream()
                .map(c -> c.labels().getOrDefault(ComposeLabels.NUMBER, "0"))
                .filter(n -> n.matches("\\d{1,6}")).map(Integer::parseInt).collect(Collectors.toSet());
        List<String> env = target.env().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        boolean gpus = rollout.context().config().gpuServices().map(s -> s.contains(rollout.service()))
                .orElse(false);
        String color = target.color();
        String runAs = target.image().runAs();
        int number = 0;
        for (int i = 0; i < target.replicas(); i++) {
            do {
                number++;
            } while (used.contains(number));
            String name = rollout.context().project().name() + "_" + rollout.service() + "_" + color + "_" + number;
            String alias = rollout.service() + "-" + color + "-" + number;
            Map<String, String> labels = Map.of(ComposeLabels.NUMBER, String.valueOf(number),
                    ComposeLabels.COLOR, color, ComposeLabels.DEPLOY, rollout.id(), ComposeLabels.ONEOFF, "True",
                    ComposeLabels.SLUG, color + number, LiveService.ALIAS_LABEL, alias);
            try {
                String id = engine.createLike(target.definition().template().id(),
                        new ContainerEngine.NewContainer(name, runAs, env, labels, List.of(alias), gpus));
                started.add(engine.inspectContainer(id).orElseThrow());
                rollout.step("created", "created " + name + " (" + runAs + ")");
                engine.start(id);
            } catch (EngineException e) {
                throw new DeployFailure("cannot start " + name + ": " + e.getMessage(), null);
            }
            rollout.step("started", "started " + name);
        }
    }

    /** Waits until every container of the color is ready; throws when one exits or the health timeout passes. */
    void awaitReady() {
        new Readiness(rollout, target.definition().port()).await(started);
    }

    /** The route that sends the service's traffic to this color. */
    Route route() {
        return new Route(rollout.service(), target.color(), rollout.id(),
                LiveService.backends(started, target.definition().port()));
    }

    /** Stops and removes what was started (the log tail of a failing container has been read before). */
    void remove() {
        for (ContainerInfo c : started) {
            try {
                rollout.context().engine().stop(c.id(), REMOVE_FAILED_TIMEOUT);
                rollout.context().engine().remove(c.id());
                rollout.step("rollback", "removed " + c.name());
            } catch (RuntimeException e) {
                rollout.step("rollback", "could not remove " + c.name() + ": " + DeployFailure.reason(e));
            }
        }
    }
}
