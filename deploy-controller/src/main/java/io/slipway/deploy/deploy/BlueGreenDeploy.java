package io.slipway.deploy.deploy;

import io.slipway.deploy.compose.ComposeLabels;
import io.slipway.deploy.compose.ComposeProject;
import io.slipway.deploy.config.DeployConfig;
import io.slipway.deploy.engine.ContainerEngine;
import io.slipway.deploy.engine.ContainerEngine.ContainerInfo;
import io.slipway.deploy.engine.ContainerEngine.Health;
import io.slipway.deploy.engine.ContainerEngine.ImageInfo;
import io.slipway.deploy.engine.EngineException;
import io.slipway.deploy.engine.ImageReference;
import io.slipway.deploy.proxy.ModelProxy;
import io.slipway.deploy.proxy.ProxyException;
import io.slipway.deploy.proxy.Route;
import io.slipway.deploy.state.Deploy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One blue-green deploy, in the order of its description: resolve the image (nothing touched yet) → start the new
 * color like the service's definition → wait until healthy → switch nginx → verify through nginx → drain and remove
 * the old color. Any failure before the old color is gone puts the traffic back on it and removes the new containers.
 * The reconciler runs the same steps (kind {@code RECONCILE}) to bring back a service none of whose colors runs.
 */
final class BlueGreenDeploy {

    static final Duration PULL_TIMEOUT = Duration.ofMinutes(30);
    static final Duration VERIFY_TIMEOUT = Duration.ofSeconds(15);
    static final Duration POLL = Duration.ofMillis(250);
    static final Duration REMOVE_FAILED_TIMEOUT = Duration.ofSeconds(2);
    static final int LOG_LINES = 40;

    /** Why a deploy failed, with the tail of the failing container's log when there is one. */
    static final class Failure extends RuntimeException {
        final String logTail;

        Failure(String reason, String logTail) {
            super(reason);
            this.logTail = logTail;
        }
    }

    private final DeployPlan plan;
    private final DeployLog log;
    private final ContainerEngine engine;
    private final ModelProxy proxy;
    private final ComposeProject project;
    private final DeployConfig config;
    private final TrafficCheck traffic;
    private final DeployMetrics metrics;
    private final String id;

    BlueGreenDeploy(DeployPlan plan, DeployLog log, ContainerEngine engine, ModelProxy proxy, ComposeProject project,
                    DeployConfig config, TrafficCheck traffic, DeployMetrics metrics) {
        this.plan = plan;
        this.log = log;
        this.engine = engine;
        this.proxy = proxy;
        this.project = project;
        this.config = config;
        this.traffic = traffic;
        this.metrics = metrics;
        this.id = log.current().id();
    }

    /** Runs the deploy; throws {@link Failure} after the rollback when it failed. */
    void run() {
        ResolvedImage image = resolveImage();
        LiveService live = inspect();
        Route previousRoute = live.route().orElseThrow();
        ContainerInfo template = template(live);
        Map<String, String> serviceEnv = plan.replaceEnv().orElseGet(() -> serviceEnv(template, plan.env()));
        int port = port(template);
        String color = live.nextColor();
        int replicas = plan.replicas().orElse(Math.max(1, (int) live.live().stream()
                .filter(ContainerInfo::running).count()));
        ContainerInfo current = live.healthyLive().stream().findFirst().orElse(template);
        Deploy.Version previous = new Deploy.Version(current.image(), current.imageId(),
                digestOf(current.imageId(), current.image()), serviceEnv(current, Map.of()));
        Deploy.Version target = new Deploy.Version(plan.image().toString(), image.info().id(),
                digestOf(image.info(), plan.image().repository()), serviceEnv);
        log.update(d -> d.withTarget(target, previous, color, live.color(), replicas));

        List<ContainerInfo> started = new ArrayList<>();
        boolean switched = false;
        try {
            removeLeftovers(live.ofColor(color));
            started = start(template, image, color, replicas, serviceEnv, live);
            waitHealthy(started, port);
            Instant healthy = log.clock().instant();
            Route route = new Route(plan.service(), color, id,
                    started.stream().map(c -> new Route.Backend(alias(c), port)).toList());
            log.step("switch", "nginx: " + plan.service() + " -> " + color + " " + route.backends());
            switchTo(route);
            switched = true;
            if (!traffic.servesColor(plan.service(), color, VERIFY_TIMEOUT)) {
                throw new Failure("traffic through nginx did not reach the " + color + " color within "
                        + VERIFY_TIMEOUT.toSeconds() + "s", null);
            }
            Duration swap = Duration.between(healthy, log.clock().instant());
            metrics.switched(plan.service(), swap);
            metrics.activeColor(plan.service(), color);
            log.step("verified", "nginx answers with " + color + " (" + swap.toMillis() + " ms after healthy)");
        } catch (RuntimeException e) {
            rollBack(e, switched, previousRoute, started);
            throw e instanceof Failure f ? f : new Failure(reason(e), null);
        }
        List<ContainerInfo> old;
        try {
            old = otherThan(color);
        } catch (RuntimeException e) {
            old = live.colors().stream().filter(c -> !LiveService.colorOf(c).equals(color)).toList();
        }
        retire(old);
    }

    private ResolvedImage resolveImage() {
        if (plan.imageId().isPresent()) {
            Optional<ImageInfo> exact = engine.inspectImage(plan.imageId().get());
            if (exact.isPresent()) {
                log.step("image", "using recorded image " + plan.imageId().get());
                return new ResolvedImage(plan.imageId().get(), exact.get());
            }
        }
        ImageReference ref = plan.image();
        try {
            if (config.mirror().isPresent()) {
                ImageReference mirrored = ref.throughMirror(config.mirror().get());
                log.step("pull", "pulling " + mirrored + " through the mirror");
                engine.pullImage(mirrored, PULL_TIMEOUT);
                engine.tagImage(mirrored.toString(), ref);
            } else if (engine.inspectImage(ref.toString()).isEmpty()) {
                log.step("pull", "pulling " + ref + " (not on this engine)");
                engine.pullImage(ref, PULL_TIMEOUT);
            }
        } catch (EngineException e) {
            throw new Failure("cannot pull image " + ref + ": " + e.getMessage(), null);
        }
        ImageInfo info = engine.inspectImage(ref.toString())
                .orElseThrow(() -> new Failure("image " + ref + " is not on the engine after pulling", null));
        log.step("image", ref + " is " + info.id());
        return new ResolvedImage(ref.toString(), info);
    }

    private LiveService inspect() {
        Optional<Route> route = proxy.current(plan.service());
        if (route.isEmpty()) {
            throw new Failure("nginx has no route for " + plan.service()
                    + "; the reconciler writes one for every model service it finds", null);
        }
        LiveService live = new LiveService(plan.service(), route, project.containers(plan.service()));
        log.step("inspect", plan.service() + " is live on " + live.color() + " ("
                + names(live.live()) + ")");
        return live;
    }

    /**
     * The service's definition container (compose refreshes it on every {@code ./slipway up}, so changed compose
     * settings take effect on the next deploy); a stack without one uses its running container.
     */
    private ContainerInfo template(LiveService live) {
        return live.definition()
                .or(() -> live.live().stream().filter(ContainerInfo::running).findFirst())
                .or(() -> live.containers().stream().filter(ContainerInfo::running).findFirst())
                .orElseThrow(() -> new Failure("no container of " + plan.service() + " to take the service "
                        + "definition from (./slipway up creates it: docker-compose up --no-start " + plan.service()
                        + ")", null));
    }

    private void removeLeftovers(List<ContainerInfo> leftovers) {
        for (ContainerInfo c : leftovers) {
            log.step("cleanup", "removing leftover " + c.name());
            engine.remove(c.id());
        }
    }

    private List<ContainerInfo> start(ContainerInfo template, ResolvedImage image, String color, int replicas,
                                      Map<String, String> env, LiveService live) {
        Set<Integer> used = live.containers().stream()
                .map(c -> c.labels().getOrDefault(ComposeLabels.NUMBER, "0"))
                .filter(n -> n.matches("\\d{1,6}")).map(Integer::parseInt).collect(Collectors.toSet());
        List<String> envList = env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        boolean gpus = config.gpuServices().map(s -> s.contains(plan.service())).orElse(false);
        List<ContainerInfo> started = new ArrayList<>();
        int number = 0;
        for (int i = 0; i < replicas; i++) {
            do {
                number++;
            } while (used.contains(number));
            String name = project.name() + "_" + plan.service() + "_" + color + "_" + number;
            String alias = plan.service() + "-" + color + "-" + number;
            // One-off: compose's `up` leaves the color alone, `down` removes it (see ComposeLabels.ONEOFF).
            Map<String, String> labels = Map.of(ComposeLabels.NUMBER, String.valueOf(number),
                    ComposeLabels.COLOR, color, ComposeLabels.DEPLOY, id, ComposeLabels.ONEOFF, "True",
                    ComposeLabels.SLUG, color + number, ALIAS_LABEL, alias);
            try {
                String containerId = engine.createLike(template.id(),
                        new ContainerEngine.NewContainer(name, image.runAs(), envList, labels, List.of(alias), gpus));
                started.add(engine.inspectContainer(containerId).orElseThrow());
                engine.start(containerId);
            } catch (EngineException e) {
                throw new Failure("cannot start " + name + ": " + e.getMessage(), null);
            }
            log.step("create", "started " + name + " (" + image.runAs() + ")");
        }
        return started;
    }

    /** Label holding the DNS alias nginx uses for a container made by a deploy. */
    static final String ALIAS_LABEL = "slipway.alias";

    static String alias(ContainerInfo c) {
        return c.labels().getOrDefault(ALIAS_LABEL, c.name());
    }

    private void waitHealthy(List<ContainerInfo> containers, int port) {
        long deadline = System.nanoTime() + plan.healthTimeout().toNanos();
        List<ContainerInfo> waiting = new ArrayList<>(containers);
        log.step("health", "waiting up to " + plan.healthTimeout() + " for " + names(waiting) + " to be healthy");
        while (!waiting.isEmpty()) {
            for (ContainerInfo c : List.copyOf(waiting)) {
                ContainerInfo now = engine.inspectContainer(c.id())
                        .orElseThrow(() -> new Failure("container " + c.name() + " disappeared", null));
                if (Set.of("exited", "dead", "restarting").contains(now.status()) || (!now.running()
                        && !"created".equals(now.status()))) {
                    throw new Failure("container " + c.name() + " exited with code " + now.exitCode()
                            + " before it was healthy", engine.logTail(c.id(), LOG_LINES));
                }
                if (isHealthy(now, port)) {
                    waiting.remove(c);
                    log.step("healthy", c.name() + " is healthy");
                }
            }
            if (waiting.isEmpty()) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                ContainerInfo first = waiting.get(0);
                String health = engine.inspectContainer(first.id()).map(c -> c.health().name().toLowerCase())
                        .orElse("gone");
                throw new Failure(first.name() + " was not healthy within " + plan.healthTimeout()
                        + " (health: " + health + ")", engine.logTail(first.id(), LOG_LINES));
            }
            sleep(POLL);
        }
    }

    private boolean isHealthy(ContainerInfo c, int port) {
        if (c.health() != Health.NONE) {
            return c.health() == Health.HEALTHY;
        }
        if (!config.httpProbe()) {
            throw new Failure("image of " + c.name() + " has no HEALTHCHECK and deploy.http-probe is off", null);
        }
        return c.running() && traffic.ready(alias(c), port);
    }

    private void switchTo(Route route) {
        try {
            proxy.apply(route);
        } catch (ProxyException e) {
            throw new Failure(e.getMessage(), null);
        }
    }

    private void rollBack(RuntimeException cause, boolean switched, Route previous, List<ContainerInfo> started) {
        log.step("rollback", "failed: " + reason(cause) + "; keeping " + previous.color());
        if (switched) {
            try {
                proxy.apply(previous);
                log.step("rollback", "nginx back on " + previous.color());
            } catch (RuntimeException e) {
                log.step("rollback", "could not switch nginx back: " + reason(e));
            }
        }
        // The log tail of a failing container is read before it is removed.
        for (ContainerInfo c : started) {
            try {
                engine.stop(c.id(), REMOVE_FAILED_TIMEOUT);
                engine.remove(c.id());
                log.step("rollback", "removed " + c.name());
            } catch (RuntimeException e) {
                log.step("rollback", "could not remove " + c.name() + ": " + reason(e));
            }
        }
    }

    /** Containers of the service that are not of {@code color} (the old color, and started compose-made ones). */
    private List<ContainerInfo> otherThan(String color) {
        return project.containers(plan.service()).stream()
                .filter(c -> !LiveService.isDefinition(c) && !LiveService.colorOf(c).equals(color)).toList();
    }

    /**
     * Drains and removes the old color. Traffic is already on the new color, so a failure here does not fail the deploy:
     * it is reported as a step, and the next deploy (or the reconciler at start) removes what is left.
     */
    private void retire(List<ContainerInfo> old) {
        log.step("drain", "waiting up to " + plan.drainTimeout() + " for requests on the old color to finish");
        try {
            boolean drained = proxy.awaitDrained(plan.drainTimeout());
            log.step("drain", drained ? "old requests finished" : "drain timeout reached; stopping anyway");
        } catch (RuntimeException e) {
            log.step("drain", "cannot watch the old requests (" + reason(e) + "); stopping after the drain timeout");
            sleep(plan.drainTimeout());
        }
        for (ContainerInfo c : old) {
            try {
                // SIGTERM first: the model finishes what it still holds, up to the drain timeout.
                engine.stop(c.id(), plan.drainTimeout());
                engine.remove(c.id());
                log.step("remove", "removed " + c.name());
            } catch (RuntimeException e) {
                log.step("remove", "could not remove " + c.name() + " (" + reason(e) + "); the next deploy will");
            }
        }
    }

    private String digestOf(String imageId, String image) {
        return engine.inspectImage(imageId).map(i -> digestOf(i, repositoryOf(image))).orElse("");
    }

    private static String digestOf(ImageInfo info, String repository) {
        return info.repoDigests().stream().filter(d -> d.startsWith(repository + "@")).findFirst()
                .or(() -> info.repoDigests().stream().findFirst())
                .map(d -> d.substring(d.indexOf('@') + 1)).orElse("");
    }

    private static String repositoryOf(String image) {
        try {
            return ImageReference.parse(image).repository();
        } catch (IllegalArgumentException e) {
            return image;
        }
    }

    /** The env the service definition sets: the container's env without what its image sets, plus overrides. */
    private Map<String, String> serviceEnv(ContainerInfo template, Map<String, String> overrides) {
        Set<String> fromImage = Set.copyOf(engine.inspectImage(template.imageId()).map(ImageInfo::env)
                .orElse(List.of()));
        Map<String, String> env = new LinkedHashMap<>();
        for (String entry : template.env()) {
            int eq = entry.indexOf('=');
            if (eq > 0 && !fromImage.contains(entry)) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        env.putAll(overrides);
        return env;
    }

    private int port(ContainerInfo template) {
        String label = template.labels().get(ComposeLabels.MODEL_PORT);
        return label != null && label.matches("\\d{1,5}") ? Integer.parseInt(label) : config.modelPort();
    }

    private static String names(List<ContainerInfo> containers) {
        return containers.stream().map(ContainerInfo::name).collect(Collectors.joining(", "));
    }

    static String reason(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted", null);
        }
    }

    private record ResolvedImage(String runAs, ImageInfo info) {}
}
