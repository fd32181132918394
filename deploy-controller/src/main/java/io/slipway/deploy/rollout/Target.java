package io.slipway.deploy.rollout;

import io.slipway.deploy.engine.ContainerEngine.ContainerInfo;
import io.slipway.deploy.image.ImageResolver;
import io.slipway.deploy.image.ImageResolver.ResolvedImage;
import io.slipway.deploy.proxy.Route;
import io.slipway.deploy.service.LiveService;
import io.slipway.deploy.service.ServiceDefinition;
import io.slipway.deploy.state.Deploy;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a deploy makes, found before anything is touched: the resolved image, the service as it is now (its live route,
 * the route to go back to), its definition, the env, color and replica count of the new color.
 */
record Target(ResolvedImage image, LiveService live, Route previousRoute, ServiceDefinition definition,
              Map<String, String> env, String color, int replicas) {

    /** Resolves the image, reads the service and records target and previous version in the deploy. */
    static Target prepare(Rollout rollout) {
        DeployPlan plan = rollout.plan();
        ImageResolver images = rollout.context().images();
        ResolvedImage image;
        try {
            image = images.resolve(plan.image(), plan.imageId(), rollout::step);
        } catch (ImageResolver.ImageException e) {
            throw new DeployFailure(e.getMessage(), null);
        }
        LiveService live = inspect(rollout);
        ServiceDefinition definition = ServiceDefinition.of(live, rollout.context().engine(),
                        rollout.context().config().modelPort())
                .orElseThrow(() -> new DeployFailure("no container of " + plan.service() + " to take the service "
                        + "definition from (./slipway up creates it: docker-compose up --no-start " + plan.service()
                        + ")", null));
        Map<String, String> env = plan.replaceEnv().orElseGet(() -> definition.envWith(plan.env()));
        int replicas = plan.replicas().orElse(Math.max(1, (int) live.live().stream()
                .filter(ContainerInfo::running).count()));
        Target target = new Target(image, live, live.route().orElseThrow(), definition, env, live.nextColor(),
                replicas);
        target.record(rollout);
        return target;
    }

    private static LiveService inspect(Rollout rollout) {
        Optional<Route> route = rollout.context().proxy().current(rollout.service());
        if (route.isEmpty()) {
            throw new DeployFailure("nginx has no route for " + rollout.service()
                    + "; the reconciler writes one for every model service it finds", null);
        }
        LiveService live = new LiveService(rollout.service(), route,
                rollout.context().project().containers(rollout.service()));
        rollout.step("inspect", rollout.service() + " is live on " + live.color() + " (" + names(live) + ")");
        return live;
    }

    private void record(Rollout rollout) {
        ImageResolver images = rollout.context().images();
        ContainerInfo current = live.healthyLive().stream().findFirst().orElse(definition.template());
        Deploy.Version previous = new Deploy.Version(current.image(), current.imageId(),
                images.digestOf(current.imageId(), current.image()),
                ServiceDefinition.envOf(current, rollout.context().engine()));
        Deploy.Version target = new Deploy.Version(rollout.plan().image().toString(), image.info().id(),
                image.digest(), env);
        rollout.log().update(d -> d.withTarget(target, previous, color, live.color(), replicas));
    }

    private static String names(LiveService live) {
        return live.live().stream().map(ContainerInfo::name).collect(Collectors.joining(", "));
    }
}
