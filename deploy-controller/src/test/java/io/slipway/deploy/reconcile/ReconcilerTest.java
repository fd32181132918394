package io.slipway.deploy.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.slipway.deploy.compose.ComposeLabels;
import io.slipway.deploy.model.ModelIndex;
import io.slipway.deploy.model.ModelService;
import io.slipway.deploy.model.ModelServices;
import io.slipway.deploy.compose.ComposeProject;
import io.slipway.deploy.engine.ContainerEngine.ContainerInfo;
import io.slipway.deploy.engine.ContainerEngine.Health;
import io.slipway.deploy.engine.ImageReference;
import io.slipway.deploy.fakes.FakeContainerEngine;
import io.slipway.deploy.fakes.FakeDeployConfig;
import io.slipway.deploy.fakes.FakeModelProxy;
import io.slipway.deploy.fakes.FakeRequestHold;
import io.slipway.deploy.fakes.Journal;
import io.slipway.deploy.image.ImageResolver;
import io.slipway.deploy.proxy.Route;
import io.slipway.deploy.rollout.DeployContext;
import io.slipway.deploy.rollout.DeployLog;
import io.slipway.deploy.rollout.DeployMetrics;
import io.slipway.deploy.rollout.DeployPlan;
import io.slipway.deploy.rollout.Deployer;
import io.slipway.deploy.rollout.TrafficCheck;
import io.slipway.deploy.service.LiveService;
import io.slipway.deploy.state.Deploy;
import io.slipway.deploy.state.DeployStore;
import io.slipway.deploy.state.FileDeployStore;
import io.slipway.testsupport.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reconciler's decisions, on fakes of the engine and nginx: what it repairs, and what it leaves alone. */
class ReconcilerTest {

    private static final String SERVICE = "sample-model";
    private static final String PROJECT = FakeDeployConfig.PROJECT;
    private static final String IMAGE = "slipway/sample-model:t";

    private final FakeContainerEngine engine = new FakeContainerEngine();
    private final FakeModelProxy proxy = new FakeModelProxy();
    @TempDir
    Path state;
    private DeployStore store;
    private final ObjectMapper json = new ObjectMapper().findAndRegisterModules();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Repairs repairs = new Repairs(registry);
    private FakeDeployConfig config;
    private Deployer deployer;
    private Reconciler reconciler;
    /** Container aliases whose {@code /v2/health/ready} answers 200 (none unless a test says so). */
    private final Set<String> readyHosts = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void setUp() {
        config = new FakeDeployConfig(Duration.ofSeconds(1), Duration.ofMillis(10));
        store = new FileDeployStore(state, json);
        ComposeProject project = new ComposeProject(config, engine);
        DeployMetrics metrics = new DeployMetrics(registry);
        TrafficCheck traffic = new TrafficCheck(config) {
            @Override
            public boolean servesColor(String service, String color, Duration timeout) {
                return proxy.liveRoute(service).map(r -> r.color().equals(color)).orElse(false);
            }

            @Override
            public boolean ready(String host, int port) {
                return readyHosts.contains(host); // the models' own OIP readiness answer, as the test sets it
            }
        };
        DeployContext context = new DeployContext(engine, proxy, project, config, traffic, metrics,
                new ImageResolver(engine, config), new FakeRequestHold(new Journal()));
        deployer = new Deployer(context, store);
        reconciler = new Reconciler(context, store, deployer, repairs,
                new ModelServices(config, engine, project), new ModelIndex(config, json));
        engine.image(IMAGE, "sha256:v1", List.of("PATH=/usr/bin"));
        engine.image("sha256:v2", "sha256:v2", List.of("PATH=/usr/bin"));
        // What `./slipway up` leaves: a definition container (never started) and nginx's seeded route.
        engine.add(PROJECT + "_" + SERVICE + "_1", IMAGE, "created", labels(),
                List.of("PATH=/usr/bin", "SAMPLE_MODEL_VERSION=1"));
        proxy.seed(new Route(SERVICE, Route.UNMANAGED, "", List.of(new Route.Backend(SERVICE, 8000))));
    }

    @Test
    void firstPassStartsTheDefinitionsVersionAndRoutesToIt() throws Exception {
        passAndFinish();
        List<ContainerInfo> running = running();
        assertEquals(1, running.size(), engine.containers().toString());
        assertEquals("blue", running.get(0).labels().get(ComposeLabels.COLOR));
        assertEquals("True", running.get(0).labels().get(ComposeLabels.ONEOFF), "compose must leave it alone");
        assertTrue(running.get(0).env().contains("SAMPLE_MODEL_VERSION=1"), running.get(0).env().toString());
        assertEquals("blue", proxy.liveRoute(SERVICE).orElseThrow().color());
        assertTrue(engine.containers().stream().anyMatch(LiveService::isDefinition), "the definition is kept as template");
        assertEquals("start", repairs.last(SERVICE).orElseThrow().kind());
        assertEquals(1.0, registry.counter("slipway.reconcile.repairs", "service", SERVICE, "repair", "start")
                .count());
    }

    @Test
    void aServiceWithADeployStartsTheDeployedVersionNotTheDefinitions() throws Exception {
        store.save(succeeded("d-1", "sha256:v2", Map.of("SAMPLE_MODEL_VERSION", "2"), 2));
        passAndFinish();
        List<ContainerInfo> running = running();
        assertEquals(2, running.size(), "the recorded replicas: " + engine.containers());
        for (ContainerInfo c : running) {
            assertEquals("sha256:v2", c.imageId());
            assertTrue(c.env().contains("SAMPLE_MODEL_VERSION=2"), c.env().toString());
        }
    }

    @Test
    void aHealthyServiceThatNginxRunsIsLeftAlone() throws Exception {
        passAndFinish();
        List<String> before = engine.calls();
        int applied = proxy.applied();
        reconciler.reconcile(SERVICE);
        reconciler.reconcile(SERVICE);
        assertEquals(before, engine.calls(), "no container touched");
        assertEquals(applied, proxy.applied(), "nginx not reloaded");
    }

    @Test
    void stoppedContainersOfTheLiveColorAreStartedAgainNotReplaced() throws Exception {
        passAndFinish();
        String blue = running().get(0).id();
        engine.kill(blue);
        reconciler.reconcile(SERVICE);
        assertEquals(List.of(blue), running().stream().map(ContainerInfo::id).toList());
        assertEquals("restart", repairs.last(SERVICE).orElseThrow().kind());
    }

    @Test
    void aRemovedContainerIsStartedAgainFromTheDefinition() throws Exception {
        passAndFinish();
        engine.delete(running().get(0).id());
        passAndFinish();
        assertEquals(1, running().size());
        assertEquals("green", running().get(0).labels().get(ComposeLabels.COLOR));
        assertEquals("green", proxy.liveRoute(SERVICE).orElseThrow().color());
    }

    @Test
    void nginxThatStartedOnTheFallbackGetsTheRouteAgainOnceItRuns() throws Exception {
        passAndFinish();
        String alias = running().get(0).labels().get(LiveService.ALIAS_LABEL);
        // nginx restarted while the model's name did not resolve (a reboot): it serves the 503 fallback.
        proxy.stopProxy();
        reconciler.reconcile(SERVICE);
        proxy.startProxy(List.of());
        assertEquals(FakeModelProxy.FALLBACK, proxy.liveRoute(SERVICE).orElseThrow().color());
        assertFalse(proxy.live(SERVICE));
        reconciler.reconcile(SERVICE);
        assertTrue(proxy.live(SERVICE));
        assertEquals(List.of(new Route.Backend(alias, 8000)), proxy.liveRoute(SERVICE).orElseThrow().backends());
        assertEquals("reapply", repairs.last(SERVICE).orElseThrow().kind());
    }

    @Test
    void aRouteFileThatNamesOtherServersIsRewrittenToTheLiveContainers() throws Exception {
        passAndFinish();
        String alias = running().get(0).labels().get(LiveService.ALIAS_LABEL);
        proxy.apply(new Route(SERVICE, "blue", "edited", List.of(new Route.Backend("somewhere-else", 8000))));
        reconciler.reconcile(SERVICE);
        assertEquals(List.of(new Route.Backend(alias, 8000)), proxy.liveRoute(SERVICE).orElseThrow().backends());
        assertEquals("reroute", repairs.last(SERVICE).orElseThrow().kind());
        assertEquals(1, running().size(), "no container was started for it");
    }

    @Test
    void aReplicaTheEngineHasNotCheckedYetKeepsItsTrafficWhileItAnswersReady() throws Exception {
        // A deploy sees a new color ready (its own readiness answer) before the engine's first healthcheck runs.
        List<ContainerInfo> replicas = twoReplicasLive();
        String second = replicas.get(1).id();
        readyHosts.add(replicas.get(1).labels().get(LiveService.ALIAS_LABEL));
        engine.health(second, Health.STARTING);
        int applied = proxy.applied();

        reconciler.reconcile(SERVICE);

        assertEquals(aliases(replicas), hosts(), "both replicas keep their share of the requests");
        assertEquals(applied, proxy.applied(), "nginx not reloaded");
        readyHosts.clear();
        reconciler.reconcile(SERVICE);
        assertEquals(aliases(replicas.subList(0, 1)), hosts(), "a starting replica that does not answer ready is out");
    }

    @Test
    void aReplicaThatFailedItsHealthcheckIsTakenOutAndGetsItsTrafficBackOnceHealthy() throws Exception {
        List<ContainerInfo> replicas = twoReplicasLive();
        String first = replicas.get(0).id();

        engine.health(first, Health.UNHEALTHY);
        reconciler.reconcile(SERVICE);
        assertEquals(aliases(replicas.subList(1, 2)), hosts(), "the unhealthy replica gets no requests");
        assertEquals("reroute", repairs.last(SERVICE).orElseThrow().kind());

        engine.health(first, Health.HEALTHY);
        reconciler.reconcile(SERVICE);
        assertEquals(aliases(replicas), hosts(), "healthy again, it is back in the route");
        assertEquals(2, running().size(), "no container was replaced");
    }

    @Test
    void anotherColorIsRemovedOnceItsOwnRequestsFinishedNotTheLiveColors() throws Exception {
        passAndFinish();
        String blue = running().get(0).labels().get(LiveService.ALIAS_LABEL);
        // A deploy that a previous controller process left half-done: its green container runs, a request is on it.
        Map<String, String> green = new HashMap<>(labels());
        green.put(ComposeLabels.COLOR, "green");
        green.put(LiveService.ALIAS_LABEL, "sample-model-green-1");
        String half = engine.add("sample-model-green-1", IMAGE, "running", green, List.of("PATH=/usr/bin"));
        Instant at = Instant.now();
        store.save(new Deploy("d-half", Deploy.Kind.DEPLOY, SERVICE, Deploy.State.RUNNING,
                new Deploy.Version(IMAGE, "sha256:v1", "", Map.of()), null, "green", "blue", 1,
                Duration.ofMinutes(1), Duration.ofSeconds(20), List.of(), null, null, at, null, List.of()));
        FakeModelProxy.InFlight onGreen = proxy.request("sample-model-green-1");
        FakeModelProxy.InFlight onBlue = proxy.request(blue); // the live color's: never holds the cleanup up

        Thread pass = new Thread(() -> reconciler.reconcile(SERVICE));
        pass.start();
        pass.join(500);
        assertTrue(pass.isAlive(), "the cleanup waits for the request on green");
        assertTrue(engine.containers().stream().anyMatch(c -> c.id().equals(half)), "green is still there");
        onGreen.finish();
        pass.join(30_000);
        assertFalse(pass.isAlive(), "green's last request finished: the cleanup went on");
        assertTrue(engine.containers().stream().noneMatch(c -> c.id().equals(half)), "green is removed");
        assertEquals(1.0, registry.counter("slipway.reconcile.repairs", "service", SERVICE, "repair", "cleanup")
                .count());
        onBlue.finish();
    }

    /** A deploy of two replicas, both healthy and in the route. */
    private List<ContainerInfo> twoReplicasLive() throws Exception {
        store.save(succeeded("d-1", "sha256:v2", Map.of(), 2));
        passAndFinish();
        List<ContainerInfo> replicas = running();
        assertEquals(2, replicas.size(), engine.containers().toString());
        assertEquals(aliases(replicas), hosts());
        return replicas;
    }

    private Set<String> hosts() {
        return proxy.liveRoute(SERVICE).orElseThrow().backends().stream().map(Route.Backend::host)
                .collect(Collectors.toSet());
    }

    private static Set<String> aliases(List<ContainerInfo> containers) {
        return containers.stream().map(LiveService::alias).collect(Collectors.toSet());
    }

    @Test
    void withoutNginxNothingIsStartedUntilItRuns() throws Exception {
        proxy.stopProxy();
        reconciler.reconcile(SERVICE);
        assertTrue(running().isEmpty(), "a new color could not be verified through nginx: wait");
        proxy.startProxy(List.of());
        passAndFinish();
        assertEquals(1, running().size());
    }

    @Test
    void aStartThatFailedIsNotRetriedAtOnce() throws Exception {
        engine.healthOnStart(c -> Health.UNHEALTHY);
        passAndFinish();
        Deploy failed = store.list(Optional.of(SERVICE)).get(0);
        assertEquals(Deploy.State.FAILED, failed.state(), failed.toString());
        assertEquals(Deploy.Kind.RECONCILE, failed.kind());
        int deploys = store.list(Optional.empty()).size();
        reconciler.reconcile(SERVICE);
        assertEquals(deploys, store.list(Optional.empty()).size(), "backing off, no new start");
        assertTrue(running().isEmpty());
    }

    @Test
    void aDeployWaitsForTheRepairPassAndARepairNeverRunsNextToADeploy() throws Exception {
        java.util.concurrent.CompletableFuture<DeployLog> deploy = new java.util.concurrent.CompletableFuture<>();
        assertTrue(deployer.whileIdle(SERVICE, () -> {
            Thread client = new Thread(() -> deploy.complete(deployer.submit(plan())));
            client.start();
            sleepQuietly(300);
            assertFalse(deploy.isDone(), "the deploy waits while the repair pass runs");
        }));
        deploy.get(30, TimeUnit.SECONDS).done().get(30, TimeUnit.SECONDS);
        // The slow deploy runs until the test makes its container healthy, not until a health timeout: a short one
        // could run out before whileIdle is asked on a loaded machine, and then the repair may rightly run.
        engine.healthOnStart(c -> Health.STARTING);
        DeployLog slow = deployer.submit(plan(Duration.ofMinutes(1)));
        assertFalse(deployer.whileIdle(SERVICE, () -> {
            throw new AssertionError("a repair ran next to a deploy");
        }));
        makeHealthyOnceStarting();
        assertEquals(Deploy.State.SUCCEEDED, slow.done().get(30, TimeUnit.SECONDS).state());
    }

    /** Waits for the container a deploy started with health {@code starting}, then makes it healthy. */
    private void makeHealthyOnceStarting() {
        engine.health(startingContainer(), Health.HEALTHY);
    }

    /** The id of the running container whose health is {@code starting}, once a deploy started it. */
    private String startingContainer() {
        AtomicReference<String> starting = new AtomicReference<>();
        Await.until("a container starting", Duration.ofSeconds(30), () -> {
            running().stream().filter(c -> c.health() == Health.STARTING).findFirst()
                    .ifPresent(c -> starting.set(c.id()));
            return starting.get() != null;
        }, () -> false, () -> engine.containers().toString());
        return starting.get();
    }

    @Test
    void aDeployAskedForWhileTheReconcilerStartsTheServiceWaitsForItInsteadOfA409() throws Exception {
        // The first start runs until the test makes its container healthy (not until a 1 s health timeout, which a
        // loaded machine could use up before the deploy below is even asked for).
        config.healthTimeout(Duration.ofMinutes(1));
        engine.healthOnStart(c -> Health.STARTING);
        reconciler.reconcile(SERVICE);
        Deploy first = store.list(Optional.of(SERVICE)).get(0);
        assertEquals(Deploy.Kind.RECONCILE, first.kind());
        // The start goes on on the deployer's thread: its container must be started before the next one may be healthy.
        String starting = startingContainer();
        assertTrue(deployer.runningLog(first.id()).isPresent(), "the reconciler's start is still running");
        engine.healthOnStart(c -> Health.HEALTHY);
        Thread client = Thread.currentThread();
        CompletableFuture<Void> startEnds = CompletableFuture.runAsync(() -> {
            // Once the deploy below waits for the reconciler's start, that start succeeds.
            Await.until("the deploy waiting for the reconciler's start", Duration.ofSeconds(30),
                    () -> client.getState() == Thread.State.TIMED_WAITING);
            engine.health(starting, Health.HEALTHY);
        });
        DeployLog ci = deployer.submit(plan()); // CI deploying right after ./slipway up
        startEnds.get(30, TimeUnit.SECONDS);
        assertEquals(Deploy.State.SUCCEEDED, ci.done().get(30, TimeUnit.SECONDS).state());
        // submit() returned only once the reconciler's start had freed the service; the start is freed just before it
        // is recorded as finished, so its record is waited for.
        assertTrue(deployer.runningLog(first.id()).isEmpty(), "the deploy started after the reconciler's ended");
        Await.until("the reconciler's start recorded as finished", Duration.ofSeconds(30),
                () -> store.find(first.id()).orElseThrow().finished());
        assertEquals(Deploy.State.SUCCEEDED, store.find(first.id()).orElseThrow().state());
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static DeployPlan plan() {
        return plan(Duration.ofSeconds(1));
    }

    private static DeployPlan plan(Duration healthTimeout) {
        return new DeployPlan(Deploy.Kind.DEPLOY, SERVICE, ImageReference.parse(IMAGE), Optional.empty(),
                Optional.empty(), healthTimeout, Duration.ofMillis(10), Map.of(), Optional.empty());
    }

    @Test
    void aModelServiceAddedToComposeGetsItsRouteFilesAndIsStartedFromItsLabels() throws Exception {
        Map<String, String> labels = new HashMap<>(labels());
        labels.put(ComposeLabels.SERVICE, "triton");
        labels.put(ComposeLabels.MODEL_PORT, "9000");
        labels.put(ModelService.MODELS, "resnet, bert");
        engine.add(PROJECT + "_triton_1", IMAGE, "created", labels, List.of("PATH=/usr/bin"));

        reconciler.passOverAll();
        awaitIdle("triton");
        awaitIdle(SERVICE);

        List<Route.Backend> backends = proxy.liveRoute("triton").orElseThrow().backends();
        assertEquals(1, backends.size(), backends.toString());
        assertTrue(backends.get(0).host().startsWith("triton-blue-"), backends.toString());
        assertEquals(9000, backends.get(0).port(), "the new service runs on the port its label declares");
        assertTrue(running().stream().anyMatch(c -> "triton".equals(c.labels().get(ComposeLabels.SERVICE))
                && "blue".equals(c.labels().get(ComposeLabels.COLOR))), engine.containers().toString());
    }

    @Test
    void aServiceWithoutTheModelServiceLabelIsLeftAlone() throws Exception {
        Map<String, String> labels = new HashMap<>(labels());
        labels.put(ComposeLabels.SERVICE, "postgres");
        labels.remove(ModelService.MARKER);
        engine.add(PROJECT + "_postgres_1", IMAGE, "created", labels, List.of("PATH=/usr/bin"));

        reconciler.passOverAll();
        awaitIdle("postgres");
        awaitIdle(SERVICE);

        assertTrue(proxy.current("postgres").isEmpty());
        assertTrue(running().stream().noneMatch(c -> "postgres".equals(c.labels().get(ComposeLabels.SERVICE))));
    }

    private void awaitIdle(String service) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            boolean running = store.list(Optional.of(service)).stream()
                    .anyMatch(d -> d.state() == Deploy.State.RUNNING);
            if (!running && deployer.whileIdle(service, () -> { })) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("deploys of " + service + " did not finish: " + store.list(Optional.of(service)));
    }

    /** One pass, then waits for the deploy it may have started and for the lock it held. */
    private void passAndFinish() throws Exception {
        reconciler.reconcile(SERVICE);
        for (Deploy d : store.list(Optional.of(SERVICE))) {
            Optional<DeployLog> log = deployer.runningLog(d.id());
            if (log.isPresent()) {
                log.get().done().get(30, TimeUnit.SECONDS);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!deployer.whileIdle(SERVICE, () -> { })) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the pass still holds " + SERVICE + " after 30 s: "
                        + store.list(Optional.of(SERVICE)));
            }
            Thread.sleep(10);
        }
    }

    private List<ContainerInfo> running() {
        return engine.containers().stream().filter(ContainerInfo::running).toList();
    }

    private static Map<String, String> labels() {
        return new HashMap<>(Map.of(ComposeLabels.PROJECT, PROJECT, ComposeLabels.SERVICE, SERVICE,
                ComposeLabels.NUMBER, "1", ComposeLabels.ONEOFF, "False", ComposeLabels.MODEL_PORT, "8000",
                ModelService.MARKER, "true"));
    }

    private static Deploy succeeded(String id, String imageId, Map<String, String> env, int replicas) {
        Instant at = Instant.now().minusSeconds(60);
        return new Deploy(id, Deploy.Kind.DEPLOY, SERVICE, Deploy.State.SUCCEEDED,
                new Deploy.Version(IMAGE, imageId, "", env), null, "green", "blue", replicas,
                Duration.ofMinutes(1), Duration.ofSeconds(1), List.of(), null, null, at, at, List.of());
    }

    /** The deploy history in memory, newest first like the file store. */
}
