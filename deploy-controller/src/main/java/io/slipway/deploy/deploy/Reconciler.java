package io.slipway.deploy.deploy;

import io.quarkus.runtime.StartupEvent;
import io.slipway.deploy.compose.ComposeProject;
import io.slipway.deploy.config.DeployConfig;
import io.slipway.deploy.engine.ContainerEngine;
import io.slipway.deploy.engine.ContainerEngine.ContainerInfo;
import io.slipway.deploy.proxy.ModelProxy;
import io.slipway.deploy.proxy.Route;
import io.slipway.deploy.state.Deploy;
import io.slipway.deploy.state.DeployStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Puts every model service back into one consistent state after the controller stopped mid-deploy (crash, kill -9):
 * the color nginx's files name stays live if its containers are healthy (the switch is completed: nginx is reloaded
 * onto it and the other color removed); otherwise traffic goes back to a healthy other color and the half-made one is
 * removed. Containers are never removed while they are the only healthy ones. Runs before the API takes deploys.
 */
@ApplicationScoped
public class Reconciler {

    private static final Logger LOG = Logger.getLogger(Reconciler.class);

    private final DeployConfig config;
    private final ContainerEngine engine;
    private final ModelProxy proxy;
    private final ComposeProject project;
    private final DeployStore store;
    private final DeployMetrics metrics;
    private final Clock clock = Clock.systemUTC();

    public Reconciler(DeployConfig config, ContainerEngine engine, ModelProxy proxy, ComposeProject project,
                      DeployStore store, DeployMetrics metrics) {
        this.config = config;
        this.engine = engine;
        this.proxy = proxy;
        this.project = project;
        this.store = store;
        this.metrics = metrics;
    }

    void onStart(@Observes StartupEvent event) {
        for (String service : config.services()) {
            try {
                reconcile(service);
            } catch (RuntimeException e) {
                // No engine, no nginx, no compose project yet: nothing can be half-done that we could repair now.
                LOG.warnf("cannot reconcile %s at start: %s", service, BlueGreenDeploy.reason(e));
            }
        }
    }

    /** Returns the color that is live afterwards. */
    public String reconcile(String service) {
        LiveService live = new LiveService(service, proxy.current(service), project.containers(service));
        if (live.route().isEmpty()) {
            LOG.warnf("nginx has no route for %s; nothing to reconcile", service);
            return Route.UNMANAGED;
        }
        String color = live.color();
        List<Deploy> interrupted = store.list(Optional.of(service)).stream()
                .filter(d -> d.state() == Deploy.State.RUNNING).toList();
        boolean liveHealthy = !live.healthyLive().isEmpty() && backendsExist(live);
        if (!liveHealthy) {
            Optional<String> fallback = healthyOtherColor(live);
            if (fallback.isEmpty()) {
                LOG.errorf("%s: no healthy container of any color; leaving it as it is", service);
                finishInterrupted(interrupted, color, "controller restarted mid-deploy; no healthy color found");
                return color;
            }
            color = fallback.get();
            List<ContainerInfo> target = live.ofColor(color).stream().filter(LiveService::healthy).toList();
            int port = live.route().get().backends().stream().findFirst().map(Route.Backend::port)
                    .orElse(config.modelPort());
            LOG.warnf("%s: nginx named %s but it is not healthy; switching back to %s", service, live.color(), color);
            proxy.apply(new Route(service, color, "reconcile",
                    target.stream().map(c -> new Route.Backend(BlueGreenDeploy.alias(c), port)).toList()));
        } else {
            // The files may be newer than what nginx runs (crash between write and reload): make nginx run them.
            proxy.apply(live.route().get());
        }
        String liveColor = color;
        List<ContainerInfo> others = live.containers().stream()
                .filter(c -> !LiveService.colorOf(c).equals(liveColor)).toList();
        if (!others.isEmpty()) {
            // Requests still running on the other color (the interrupted deploy's drain) may finish first.
            Duration drain = interrupted.stream().map(Deploy::drainTimeout).filter(d -> d != null)
                    .max(Duration::compareTo).orElse(config.drainTimeout());
            boolean drained = proxy.awaitDrained(drain);
            LOG.infof("%s: %s", service, drained ? "old requests finished" : "drain timeout reached");
            for (ContainerInfo c : others) {
                LOG.infof("%s: removing %s (%s), not the live color %s", service, c.name(), LiveService.colorOf(c),
                        liveColor);
                engine.stop(c.id(), drain);
                engine.remove(c.id());
            }
        }
        metrics.activeColor(service, color);
        finishInterrupted(interrupted, color, null);
        return color;
    }

    private boolean backendsExist(LiveService live) {
        List<String> aliases = live.healthyLive().stream().map(BlueGreenDeploy::alias).toList();
        List<Route.Backend> backends = live.route().get().backends();
        if (Route.UNMANAGED.equals(live.color())) {
            return true;
        }
        return !backends.isEmpty() && backends.stream().allMatch(b -> aliases.contains(b.host()));
    }

    private static Optional<String> healthyOtherColor(LiveService live) {
        return live.containers().stream().filter(LiveService::healthy).map(LiveService::colorOf)
                .filter(c -> !c.equals(live.color())).findFirst();
    }

    private void finishInterrupted(List<Deploy> interrupted, String liveColor, String forcedReason) {
        for (Deploy d : interrupted) {
            boolean completed = forcedReason == null && liveColor.equals(d.color());
            String reason = forcedReason != null ? forcedReason : completed ? null
                    : "controller restarted mid-deploy; rolled back to " + liveColor;
            Deploy end = d.withStep(new Deploy.Step(clock.instant(), "reconcile", completed
                            ? "completed after a controller restart: " + liveColor + " is live"
                            : reason))
                    .finish(completed ? Deploy.State.SUCCEEDED : Deploy.State.FAILED, reason, null, clock.instant());
            store.save(end);
            LOG.infof("deploy %s of %s: %s after restart", d.id(), d.service(), end.state());
        }
    }
}
