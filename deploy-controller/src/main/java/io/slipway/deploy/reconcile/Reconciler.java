package io.slipway.deploy.reconcile;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.slipway.deploy.compose.ComposeProject;
import io.slipway.deploy.config.DeployConfig;
import io.slipway.deploy.engine.ContainerEngine;
import io.slipway.deploy.engine.ContainerEngine.ContainerInfo;
import io.slipway.deploy.engine.ContainerEngine.Health;
import io.slipway.deploy.engine.EngineException;
import io.slipway.deploy.engine.ImageReference;
import io.slipway.deploy.model.ModelIndex;
import io.slipway.deploy.model.ModelService;
import io.slipway.deploy.model.ModelServices;
import io.slipway.deploy.proxy.ModelProxy;
import io.slipway.deploy.proxy.Route;
import io.slipway.deploy.rollout.DeployContext;
import io.slipway.deploy.rollout.DeployFailure;
import io.slipway.deploy.rollout.DeployLog;
import io.slipway.deploy.rollout.DeployMetrics;
import io.slipway.deploy.rollout.DeployPlan;
import io.slipway.deploy.rollout.Deployer;
import io.slipway.deploy.rollout.TrafficCheck;
import io.slipway.deploy.service.LiveService;
import io.slipway.deploy.state.Deploy;
import io.slipway.deploy.state.DeployStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Keeps every model service in its desired state, continuously (every {@code deploy.reconcile-interval}) and never
 * next to a deploy of the same service. The desired state is the last successful deploy (image id, env, replicas), or,
 * before the first one, the compose definition with one replica. Each pass repairs what it finds:
 * <ul>
 *   <li>no color runs (first start after {@code ./slipway up}, after {@code down} + {@code up}, a removed container):
 *       the desired version is started from the definition and gets the traffic once healthy (a deploy of kind
 *       {@code RECONCILE}, so it has the same health gate and verification);</li>
 *   <li>the live color's containers stopped: they are started again;</li>
 *   <li>nginx names a color that is not healthy while another one is (a crash mid-deploy): traffic goes back to it;</li>
 *   <li>nginx does not run the route files (it restarted while a model was down, a reload was missed): they are
 *       applied; writing them never needs nginx, a reload that fails because nginx is down is retried next pass;</li>
 *   <li>containers of another color (a half-made or old one) are drained and removed; deploys a previous controller
 *       process left running are finished.</li>
 * </ul>
 * Containers are never removed while they are the only healthy ones.
 */
@ApplicationScoped
public class Reconciler {

    private static final Logger LOG = Logger.getLogger(Reconciler.class);
    /** Key of {@link #lastProblem} for the discovery of model services itself. */
    private static final String INDEX = "(model services)";
    /** Longest wait before starting a service again whose start by the reconciler failed (doubling up to this). */
    static final Duration MAX_START_BACKOFF = Duration.ofMinutes(5);

    private final DeployConfig config;
    private final ContainerEngine engine;
    private final ModelProxy proxy;
    private final ComposeProject project;
    private final DeployStore store;
    private final DeployMetrics metrics;
    private final Deployer deployer;
    private final Repairs repairs;
    private final ModelServices models;
    private final ModelIndex index;
    private final TrafficCheck traffic;
    private final Clock clock = Clock.systemUTC();
    /** Last problem logged per service, so a lasting one (engine down) is logged once, not every pass. */
    private final Map<String, String> lastProblem = new ConcurrentHashMap<>();
    private ScheduledExecutorService timer;

    public Reconciler(DeployContext context, DeployStore store, Deployer deployer, Repairs repairs,
                      ModelServices models, ModelIndex index) {
        this.models = models;
        this.index = index;
        this.config = context.config();
        this.engine = context.engine();
        this.proxy = context.proxy();
        this.project = context.project();
        this.store = store;
        this.metrics = context.metrics();
        this.deployer = deployer;
        this.repairs = repairs;
        this.traffic = context.traffic();
    }

    void onStart(@Observes StartupEvent event) {
        // The first pass runs before the API takes deploys: a deploy never meets a half-done one.
        passOverAll();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "reconciler");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(100, config.reconcileInterval().toMillis());
        timer.scheduleWithFixedDelay(this::passOverAll, every, every, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** One pass over every model service found on the engine (the timer's task). */
    void passOverAll() {
        List<ModelService> services;
        try {
            services = models.all();
            index.publish(services);
            lastProblem.remove(INDEX);
        } catch (RuntimeException | IOException e) {
            // The published index stays as it was: the gateway and nginx keep routing by it.
            problem(INDEX, "cannot read or publish the model services: " + DeployFailure.reason(e));
            services = models.lastKnown();
        }
        for (ModelService declared : services) {
            String service = declared.service();
            try {
                deployer.whileIdle(service, () -> reconcile(service));
            } catch (RuntimeException e) {
                // No engine, no compose project yet: logged once; the next pass tries again.
                problem(service, "cannot reconcile: " + DeployFailure.reason(e));
            }
        }
    }

    /** One pass over {@code service}; call it only while no deploy of it runs ({@link Deployer#whileIdle}). */
    void reconcile(String service) {
        if (proxy.current(service).isEmpty()) {
            seedRoute(service);
        }
        LiveService live = new LiveService(service, proxy.current(service), project.containers(service));
        List<Deploy> interrupted = store.list(Optional.of(service)).stream()
                .filter(d -> d.state() == Deploy.State.RUNNING).toList();
        String color = live.color();
        List<ContainerInfo> serving = serving(live);
        if (!serving.isEmpty() && !routeNames(live, serving)) {
            // The live color serves, but the route names other servers (an edited or stale file, a replica that
            // failed its healthcheck or is healthy again): it is rewritten to exactly the serving containers.
            reroute(live, color, serving);
        } else if (serving.isEmpty()) {
            Optional<String> fallback = healthyOtherColor(live);
            if (fallback.isEmpty()) {
                bringBack(live, interrupted);
                return;
            }
            color = fallback.get();
            reroute(live, color, live.ofColor(color).stream().filter(LiveService::healthy).toList());
        } else if (!proxy.live(service)) {
            reapply(live.route().get());
        }
        removeOthers(live, color, interrupted);
        metrics.activeColor(service, color);
        finishInterrupted(interrupted, color, null);
        lastProblem.remove(service);
    }

    /**
     * A model service nginx has no files for yet (just added to docker-compose.yml): its route names the service's
     * compose DNS name, which resolves to no started container, so nginx answers it with the 503 fallback until the
     * first start below puts a color behind it.
     */
    private void seedRoute(String service) {
        int port = models.lastKnown().stream().filter(s -> s.service().equals(service)).findFirst()
                .map(ModelService::port).orElse(config.modelPort());
        proxy.write(new Route(service, Route.UNMANAGED, "", List.of(new Route.Backend(service, port))));
        LOG.infof("new model service %s: route files written (port %d)", service, port);
    }

    /** Nothing healthy: wait for starting containers, start stopped ones, or start the desired version. */
    private void bringBack(LiveService live, List<Deploy> interrupted) {
        String service = live.service();
        List<ContainerInfo> own = live.live();
        if (!interrupted.isEmpty()) {
            finishInterrupted(interrupted, live.color(), "controller restarted mid-deploy; no healthy color found");
        }
        if (own.stream().anyMatch(ContainerInfo::running)) {
            problem(service, live.color() + " is starting; waiting for it to be healthy");
            return;
        }
        if (!own.isEmpty()) {
            for (ContainerInfo c : own) {
                try {
                    engine.start(c.id());
                } catch (EngineException e) {
                    problem(service, "cannot start " + c.name() + ": " + e.getMessage());
                    return;
                }
            }
            repairs.record(service, Repairs.Kind.RESTART, "started the stopped " + live.color() + " containers "
                    + own.stream().map(ContainerInfo::name).toList());
            return;
        }
        if (!proxy.reachable()) {
            problem(service, "no container runs and nginx does not run yet; waiting for nginx to start it");
            return;
        }
        Optional<DeployPlan> plan = desired(live);
        if (plan.isEmpty() || backingOff(service)) {
            return;
        }
        DeployLog log = deployer.submitRepair(plan.get());
        repairs.record(service, Repairs.Kind.START, "no container of " + service + " runs: starting "
                + plan.get().image() + " (deploy " + log.current().id() + ")");
    }

    /** The last successful deploy's version, else the definition's, as a plan to start it. */
    private Optional<DeployPlan> desired(LiveService live) {
        String service = live.service();
        Optional<Deploy> last = store.list(Optional.of(service)).stream()
                .filter(d -> d.state() == Deploy.State.SUCCEEDED && d.target() != null).findFirst();
        if (last.isPresent()) {
            Deploy.Version target = last.get().target();
            try {
                return Optional.of(new DeployPlan(Deploy.Kind.RECONCILE, service, ImageReference.parse(target.image()),
                        Optional.ofNullable(target.imageId()).filter(s -> !s.isBlank()),
                        Optional.of(Math.max(1, last.get().replicas())), config.healthTimeout(),
                        config.drainTimeout(), Map.of(), Optional.of(target.env())));
            } catch (IllegalArgumentException e) {
                problem(service, "the deployed image '" + target.image() + "' has no usable name: " + e.getMessage());
                return Optional.empty();
            }
        }
        Optional<ContainerInfo> definition = live.definition();
        if (definition.isEmpty()) {
            problem(service, "no container and no definition of it (./slipway up creates the definition)");
            return Optional.empty();
        }
        try {
            return Optional.of(new DeployPlan(Deploy.Kind.RECONCILE, service,
                    ImageReference.parse(definition.get().image()), Optional.empty(),
                    Optional.of(1), config.healthTimeout(), config.drainTimeout(), Map.of(), Optional.empty()));
        } catch (IllegalArgumentException e) {
            problem(service, "the definition's image '" + definition.get().image() + "' has no usable name");
            return Optional.empty();
        }
    }

    /** After failed starts by the reconciler, waits interval x 2^failures (at most 5 min) before the next one. */
    private boolean backingOff(String service) {
        List<Deploy> history = store.list(Optional.of(service));
        int failures = 0;
        Instant lastEnd = null;
        for (Deploy d : history) {
            if (d.kind() != Deploy.Kind.RECONCILE || d.state() != Deploy.State.FAILED) {
                break;
            }
            if (lastEnd == null) {
                lastEnd = d.finishedAt();
            }
            failures++;
        }
        if (failures == 0 || lastEnd == null) {
            return false;
        }
        Duration wait = config.reconcileInterval().multipliedBy(1L << Math.min(failures, 16));
        wait = wait.compareTo(MAX_START_BACKOFF) > 0 ? MAX_START_BACKOFF : wait;
        boolean waiting = clock.instant().isBefore(lastEnd.plus(wait));
        if (waiting) {
            problem(service, failures + " start(s) failed; next try after " + wait + " (see GET /deploys)");
        }
        return waiting;
    }

    private void reroute(LiveService live, String color, List<ContainerInfo> target) {
        String service = live.service();
        Route route = new Route(service, color, "reconcile", LiveService.backends(target, port(live)));
        if (proxy.reachable()) {
            proxy.apply(route);
        } else {
            proxy.write(route);
        }
        repairs.record(service, Repairs.Kind.REROUTE, color.equals(live.color())
                ? "the route of " + color + " named " + live.route().get().backends() + ", not its containers; "
                + "rewrote it to " + route.backends()
                : "nginx named " + live.color() + ", which is not healthy; traffic goes to " + color);
    }

    private void reapply(Route route) {
        if (!proxy.reachable()) {
            problem(route.service(), "nginx does not run; its files are ready for its start");
            return;
        }
        proxy.apply(route);
        repairs.record(route.service(), Repairs.Kind.REAPPLY, "nginx did not run the route to " + route.color()
                + " " + route.backends() + "; applied it");
    }

    private void removeOthers(LiveService live, String liveColor, List<Deploy> interrupted) {
        List<ContainerInfo> others = live.colors().stream()
                .filter(c -> !LiveService.colorOf(c).equals(liveColor)).toList();
        if (others.isEmpty()) {
            return;
        }
        // Requests still running on the other color (an interrupted deploy's drain) may finish first.
        Duration drain = interrupted.stream().map(Deploy::drainTimeout).filter(d -> d != null)
                .max(Duration::compareTo).orElse(config.drainTimeout());
        boolean drained = proxy.awaitDrained(LiveService.backends(others, port(live)), drain);
        LOG.infof("%s: %s", live.service(), drained ? "old requests finished" : "drain timeout reached");
        for (ContainerInfo c : others) {
            engine.stop(c.id(), drain);
            engine.remove(c.id());
        }
        repairs.record(live.service(), Repairs.Kind.CLEANUP, "removed " + others.stream().map(ContainerInfo::name)
                .toList() + ", not of the live color " + liveColor);
    }

    /**
     * The live color's containers that can take requests: healthy by the engine, or, while the engine's first
     * healthcheck has not run yet (a deploy sees readiness before the engine does, so a fresh color is {@code
     * starting} for up to one healthcheck interval), answering their own OIP readiness. A container the engine marked
     * unhealthy is not overruled.
     */
    private List<ContainerInfo> serving(LiveService live) {
        int port = port(live);
        return live.live().stream().filter(c -> LiveService.healthy(c) || (config.httpProbe() && c.running()
                && c.health() == Health.STARTING && traffic.ready(LiveService.alias(c), port))).toList();
    }

    /** The port the service's containers serve on, as its route names it. */
    private int port(LiveService live) {
        return live.route().flatMap(r -> r.backends().stream().findFirst()).map(Route.Backend::port)
                .orElse(config.modelPort());
    }

    /** Whether the route names exactly {@code serving} (a compose-made, unmanaged route names the service). */
    private static boolean routeNames(LiveService live, List<ContainerInfo> serving) {
        if (Route.UNMANAGED.equals(live.color())) {
            return true;
        }
        Set<String> aliases = serving.stream().map(LiveService::alias).collect(Collectors.toSet());
        Set<String> hosts = live.route().get().backends().stream().map(Route.Backend::host)
                .collect(Collectors.toSet());
        return hosts.equals(aliases);
    }

    private static Optional<String> healthyOtherColor(LiveService live) {
        return live.colors().stream().filter(LiveService::healthy).map(LiveService::colorOf)
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
            repairs.record(d.service(), Repairs.Kind.FINISH_DEPLOY, "deploy " + d.id() + ": " + end.state());
        }
    }

    private void problem(String service, String message) {
        if (!message.equals(lastProblem.put(service, message))) {
            LOG.warnf("reconcile %s: %s", service, message);
        }
    }
}
