package io.slipway.deploy.fakes;

import io.slipway.deploy.engine.ContainerEngine;
import io.slipway.deploy.engine.EngineException;
import io.slipway.deploy.engine.ImageReference;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An in-memory {@link ContainerEngine} for deciding tests: containers are records that change state on the verbs; a
 * started container turns healthy at once unless {@link #healthOnStart} says otherwise. Thread-safe (deploys run on
 * their own threads).
 */
public final class FakeContainerEngine implements ContainerEngine {

    private final Map<String, ContainerInfo> containers = new LinkedHashMap<>();
    private final Map<String, ImageInfo> images = new LinkedHashMap<>();
    private final List<String> calls = new ArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile Function<ContainerInfo, Health> healthOnStart = c -> Health.HEALTHY;

    /** Makes {@code reference} (a name) a local image with id {@code id} whose config sets {@code env}. */
    public synchronized void image(String reference, String id, List<String> env) {
        ImageInfo info = new ImageInfo(id, List.of(), env);
        images.put(reference, info);
        images.put(id, info);
    }

    /** Adds a container as compose (or a test) made it; returns its id. */
    public synchronized String add(String name, String image, String status, Map<String, String> labels,
                                   List<String> env) {
        String id = "c" + ids.incrementAndGet();
        String imageId = Optional.ofNullable(images.get(image)).map(ImageInfo::id).orElse(image);
        boolean running = "running".equals(status);
        containers.put(id, new ContainerInfo(id, name, image, imageId, status, running, 0,
                running ? Health.HEALTHY : Health.NONE, Map.copyOf(labels), List.copyOf(env),
                Instant.now().plusMillis(ids.get())));
        return id;
    }

    /** How a container's health turns out when it is started. */
    public void healthOnStart(Function<ContainerInfo, Health> health) {
        this.healthOnStart = health;
    }

    /** Stops the container as a crash or {@code docker stop} would (exit code 137). */
    public synchronized void kill(String id) {
        ContainerInfo c = containers.get(id);
        containers.put(id, with(c, "exited", false, Health.NONE));
    }

    /** Removes the container behind the controller's back. */
    public synchronized void delete(String id) {
        containers.remove(id);
    }

    public synchronized List<ContainerInfo> all() {
        return List.copyOf(containers.values());
    }

    /** The verbs called so far, e.g. {@code create blue}, {@code start c3}, {@code remove c2}. */
    public synchronized List<String> calls() {
        return List.copyOf(calls);
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
    public void pullImage(ImageReference reference, Duration timeout) {
        throw new EngineException("pull " + reference + ": no registry in the fake", null);
    }

    @Override
    public synchronized void tagImage(String source, ImageReference target) {
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
        ContainerInfo template = containers.get(templateId);
        if (template == null) {
            throw new EngineException("create " + spec.name() + ": no template " + templateId, null, true);
        }
        Map<String, String> labels = new LinkedHashMap<>(template.labels());
        labels.putAll(spec.labels());
        String id = "c" + ids.incrementAndGet();
        String imageId = Optional.ofNullable(images.get(spec.image())).map(ImageInfo::id).orElse(spec.image());
        containers.put(id, new ContainerInfo(id, spec.name(), spec.image(), imageId, "created", false, 0,
                Health.NONE, Map.copyOf(labels), List.copyOf(spec.env()), Instant.now().plusMillis(ids.get())));
        calls.add("create " + labels.getOrDefault("slipway.color", "?"));
        return id;
    }

    @Override
    public synchronized void start(String id) {
        ContainerInfo c = require(id);
        calls.add("start " + id);
        containers.put(id, with(c, "running", true, healthOnStart.apply(c)));
    }

    @Override
    public synchronized void stop(String id, Duration timeout) {
        ContainerInfo c = containers.get(id);
        if (c != null) {
            calls.add("stop " + id);
            containers.put(id, with(c, "exited", false, Health.NONE));
        }
    }

    @Override
    public synchronized void remove(String id) {
        if (containers.remove(id) != null) {
            calls.add("remove " + id);
        }
    }

    @Override
    public String logTail(String id, int lines) {
        return "";
    }

    @Override
    public ExecResult exec(String id, List<String> command, Duration timeout) {
        return new ExecResult(0, "");
    }

    private ContainerInfo require(String id) {
        ContainerInfo c = containers.get(id);
        if (c == null) {
            throw new EngineException("no container " + id, null, true);
        }
        return c;
    }

    private static ContainerInfo with(ContainerInfo c, String status, boolean running, Health health) {
        return new ContainerInfo(c.id(), c.name(), c.image(), c.imageId(), status, running, running ? 0 : 137,
                health, c.labels(), c.env(), c.created());
    }
}
