package io.slipway.deploy.fakes;

import io.slipway.deploy.compose.ComposeLabels;
import io.slipway.deploy.model.ModelService;
import io.slipway.deploy.engine.ContainerEngine;
import io.slipway.deploy.engine.EngineException;
import io.slipway.deploy.engine.ImageReference;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * {@link ContainerEngine} in memory: images by reference, containers by id, every mutating call written to the
 * {@link Journal} as {@code engine.<verb> <container name>}. How a started container behaves is up to the test
 * ({@link #onStart}): healthy at once by default.
 */
public final class FakeContainerEngine implements ContainerEngine {

    /** What a container does once started. */
    public enum Behaviour { HEALTHY, EXITS, NEVER_HEALTHY }

    private final Journal journal;
    private final Map<String, ImageInfo> images = new HashMap<>();
    private final Map<String, ImageInfo> registry = new HashMap<>();
    private final Map<String, Long> pullBytes = new HashMap<>();
    private final Map<String, ContainerInfo> containers = new LinkedHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicInteger clock = new AtomicInteger();
    private Function<ContainerInfo, ContainerInfo> onStart = c -> state(c, "running", true, 0, Health.HEALTHY);

    public FakeContainerEngine(Journal journal) {
        this.journal = journal;
    }

    public FakeContainerEngine() {
        this(new Journal());
    }

    /** Makes {@code reference} a local image; returns its id. */
    public synchronized String addImage(String reference) {
        String id = "sha256:" + HexFormat.of().formatHex(reference.getBytes()).substring(0, Math.min(64,
                2 * reference.length()));
        ImageInfo info = new ImageInfo(id, List.of(), List.of("PATH=/usr/bin"));
        images.put(reference, info);
        images.put(id, info);
        return id;
    }

    /** A running, healthy container as {@code docker-compose up} makes it (no color label). */
    public synchronized String addComposeContainer(String project, String service, String image, List<String> env) {
        return addComposeContainer(project, service, image, env, Map.of());
    }

    /** As {@link #addComposeContainer(String, String, String, List)}, with more labels (e.g. a swap strategy's). */
    public synchronized String addComposeContainer(String project, String service, String image, List<String> env,
                                                   Map<String, String> moreLabels) {
        String id = nextId();
        Map<String, String> labels = new HashMap<>(Map.of(ComposeLabels.PROJECT, project, ComposeLabels.SERVICE,
                service, ComposeLabels.NUMBER, "1", ComposeLabels.ONEOFF, "False", ComposeLabels.MODEL_PORT, "8000",
                ModelService.MARKER, "true"));
        labels.putAll(moreLabels);
        containers.put(id, new ContainerInfo(id, project + "_" + service + "_1", image,
                images.get(image).id(), "running", true, 0, Health.HEALTHY, Map.copyOf(labels), List.copyOf(env),
                created()));
        return id;
    }

    /** Makes {@code reference} (a name) a local image with id {@code id} whose config sets {@code env}. */
    public synchronized void image(String reference, String id, List<String> env) {
        ImageInfo info = new ImageInfo(id, List.of(), env);
        images.put(reference, info);
        images.put(id, info);
    }

    /** Adds a container as compose (or a test) made it, in {@code status} ("created", "running"...); returns its id. */
    public synchronized String add(String name, String image, String status, Map<String, String> labels,
                                   List<String> env) {
        String id = nextId();
        String imageId = Optional.ofNullable(images.get(image)).map(ImageInfo::id).orElse(image);
        boolean running = "running".equals(status);
        containers.put(id, new ContainerInfo(id, name, image, imageId, status, running, 0,
                running ? Health.HEALTHY : Health.NONE, Map.copyOf(labels), List.copyOf(env), created()));
        return id;
    }

    /** How each container behaves when started, decided from its definition (e.g. by its env). */
    public synchronized void onStart(Function<ContainerInfo, Behaviour> behaviour) {
        this.onStart = c -> switch (behaviour.apply(c)) {
            case HEALTHY -> state(c, "running", true, 0, Health.HEALTHY);
            case EXITS -> state(c, "exited", false, 3, Health.NONE);
            case NEVER_HEALTHY -> state(c, "running", true, 0, Health.STARTING);
        };
    }

    /** How a started container's health turns out (it keeps running whatever the health). */
    public synchronized void healthOnStart(Function<ContainerInfo, Health> health) {
        this.onStart = c -> state(c, "running", true, 0, health.apply(c));
    }

    /** The engine's healthcheck of a running container turns out {@code health} (e.g. it fails, or passes again). */
    public synchronized void health(String id, Health health) {
        ContainerInfo c = container(id);
        journal.add("test.health " + c.name() + " " + health);
        replace(c, state(c, c.status(), c.running(), c.exitCode(), health));
    }

    /** Stops the container as a crash or {@code docker kill} would (exit code 137). */
    public synchronized void kill(String id) {
        ContainerInfo c = container(id);
        journal.add("test.kill " + c.name());
        replace(c, state(c, "exited", false, 137, Health.NONE));
    }

    /** Removes the container behind the controller's back. */
    public synchronized void delete(String id) {
        ContainerInfo c = containers.remove(id);
        journal.add("test.delete " + (c == null ? id : c.name()));
    }

    /** Every container there is now. */
    public synchronized List<ContainerInfo> containers() {
        return List.copyOf(containers.values());
    }

    /** The engine verbs called so far, e.g. {@code engine.create <name>}, in order. */
    public List<String> calls() {
        return journal.entries().stream().filter(e -> e.startsWith("engine.")).toList();
    }

    @Override
    public EngineInfo ping() {
        return new EngineInfo("fake", "1.41");
    }

    @Override
    public synchronized Optional<ImageInfo> inspectImage(String reference) {
        return Optional.ofNullable(images.get(reference));
    }

    @Override
    public synchronized PullResult pull(ImageReference reference, Optional<RegistryAuth> auth, Duration timeout) {
        journal.add("engine.pull " + reference + auth.map(a -> " as " + a.username()).orElse(""));
        ImageInfo remote = registry.get(reference.toString());
        if (remote != null) {
            images.put(reference.toString(), remote);
            images.put(remote.id(), remote);
            return new PullResult(pullBytes.getOrDefault(reference.toString(), 0L));
        }
        if (!images.containsKey(reference.toString())) {
            throw new EngineException("fake: manifest for " + reference + " not found", null, true);
        }
        return new PullResult(0);
    }

    /** Makes {@code reference} a local image that was pulled from a registry ({@code repoDigest} recorded). */
    public synchronized void pulledImage(String reference, String id, String repoDigest) {
        ImageInfo info = new ImageInfo(id, List.of(repoDigest), List.of());
        images.put(reference, info);
        images.put(id, info);
    }

    /**
     * Makes {@code reference} pullable as image {@code id} (not yet on the engine), as if a registry had it, with
     * {@code repoDigest} as {@code docker pull} records it; a pull reports {@code bytes} downloaded.
     */
    public synchronized void pullable(String reference, String id, String repoDigest, long bytes) {
        registry.put(reference, new ImageInfo(id, List.of(repoDigest), List.of()));
        pullBytes.put(reference, bytes);
    }

    @Override
    public synchronized void tagImage(String source, ImageReference target) {
        journal.add("engine.tag " + target);
        images.put(target.toString(), images.get(source));
    }

    @Override
    public synchronized List<ContainerInfo> listContainers(Map<String, String> labels) {
        return containers.values().stream()
                .filter(c -> labels.entrySet().stream().allMatch(l -> l.getValue().equals(c.labels().get(l.getKey()))))
                .toList();
    }

    @Override
    public synchronized Optional<ContainerInfo> inspectContainer(String idOrName) {
        return Optional.ofNullable(containers.get(idOrName))
                .or(() -> containers.values().stream().filter(c -> c.name().equals(idOrName)).findFirst());
    }

    @Override
    public synchronized String createLike(String templateId, NewContainer spec) {
        ContainerInfo template = container(templateId);
        ImageInfo image = Optional.ofNullable(images.get(spec.image()))
                .orElseThrow(() -> new EngineException("fake: no such image " + spec.image(), null, true));
        Map<String, String> labels = new HashMap<>(template.labels());
        labels.putAll(spec.labels());
        String id = nextId();
        containers.put(id, new ContainerInfo(id, spec.name(), spec.image(), image.id(), "created", false, 0,
                Health.NONE, Map.copyOf(labels), spec.env(), created()));
        journal.add("engine.create " + spec.name());
        return id;
    }

    @Override
    public synchronized void start(String id) {
        ContainerInfo c = container(id);
        journal.add("engine.start " + c.name());
        replace(c, onStart.apply(c));
    }

    @Override
    public synchronized void stop(String id, Duration timeout) {
        Optional<ContainerInfo> found = inspectContainer(id);
        if (found.isEmpty()) {
            return; // like docker stop of a container that is gone: nothing to do
        }
        ContainerInfo c = found.get();
        journal.add("engine.stop " + c.name());
        replace(c, state(c, "exited", false, 0, Health.NONE));
    }

    @Override
    public synchronized void remove(String id) {
        ContainerInfo c = containers.remove(id);
        if (c != null) {
            journal.add("engine.remove " + c.name());
        }
    }

    @Override
    public synchronized String logTail(String id, int lines) {
        return "fake log of " + container(id).name();
    }

    @Override
    public synchronized ExecResult exec(String id, List<String> command, Duration timeout) {
        journal.add("engine.exec " + container(id).name() + " " + String.join(" ", command));
        return new ExecResult(0, "");
    }

    private ContainerInfo container(String id) {
        return inspectContainer(id).orElseThrow(() -> new EngineException("fake: no such container " + id, null,
                true));
    }

    private void replace(ContainerInfo old, ContainerInfo now) {
        containers.put(old.id(), now);
    }

    private static ContainerInfo state(ContainerInfo c, String status, boolean running, int exit, Health health) {
        return new ContainerInfo(c.id(), c.name(), c.image(), c.imageId(), status, running, exit, health, c.labels(),
                c.env(), c.created());
    }

    private String nextId() {
        return String.format("fake%060d", ids.incrementAndGet());
    }

    /** Creation times one second apart, in creation order (the service's containers are sorted by them). */
    private Instant created() {
        return Instant.parse("2026-01-01T00:00:00Z").plusSeconds(clock.incrementAndGet());
    }
}
