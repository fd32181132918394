package io.slipway.deploy.rollout;

import static io.slipway.deploy.fakes.FakeDeploys.NEW;
import static io.slipway.deploy.fakes.FakeDeploys.OLD;
import static io.slipway.deploy.fakes.FakeDeploys.SERVICE;
import static io.slipway.deploy.fakes.FakeDeploys.V1;
import static io.slipway.deploy.fakes.FakeDeploys.V2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slipway.deploy.engine.ContainerEngine.Health;
import io.slipway.deploy.fakes.FakeContainerEngine;
import io.slipway.deploy.fakes.FakeContainerEngine.Behaviour;
import io.slipway.deploy.fakes.FakeDeploys;
import io.slipway.deploy.fakes.FakeModelProxy;
import io.slipway.deploy.fakes.FakeTrafficCheck;
import io.slipway.deploy.fakes.Journal;
import io.slipway.deploy.proxy.Route;
import io.slipway.deploy.state.Deploy;
import io.slipway.testsupport.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ordering rules of a blue-green deploy, through the real {@link Deployer} and {@link BlueGreen} on fakes of
 * the engine, the proxy and the traffic check (no Docker, no nginx: milliseconds) and the real file store. {@code DeployFlowTest} and
 * {@code CrashRecoveryIT} check the same deploys on the real engine and nginx.
 */
class DeployOrderTest {


    @TempDir
    Path state;
    private FakeDeploys fakes;
    private Journal journal;
    private FakeContainerEngine engine;
    private FakeModelProxy proxy;
    private FakeTrafficCheck traffic;

    @BeforeEach
    void composeMadeServiceBehindNginx() {
        fakes = new FakeDeploys(state);
        journal = fakes.journal;
        engine = fakes.engine;
        proxy = fakes.proxy;
        traffic = fakes.traffic;
        fakes.composeService(Map.of());
    }

    @AfterEach
    void stop() {
        fakes.close();
    }

    private Deploy deploy(String image) throws Exception {
        return fakes.deploy(SERVICE, image);
    }

    private List<String> names() {
        return fakes.names();
    }

    private String liveColor() {
        return proxy.current(SERVICE).orElseThrow().color();
    }

    @Test
    void aSuccessfulDeploySwitchesAfterHealthAndDrainsBeforeItStopsAndRemovesTheOldColor() throws Exception {
        Deploy d = deploy(V2);

        assertEquals(Deploy.State.SUCCEEDED, d.state(), d.reason());
        assertTrue(journal.hasInOrder("engine.create " + NEW, "engine.start " + NEW, "proxy.apply blue",
                "traffic.verify blue", "proxy.drain", "engine.stop " + OLD, "engine.remove " + OLD), journal.toString());
        assertTrue(journal.firstBefore("proxy.drain", "engine.stop " + OLD), "drained before stopping:\n" + journal);
        assertTrue(journal.firstBefore("traffic.verify blue", "proxy.drain"), journal.toString());
        assertEquals("blue", liveColor());
        assertEquals(List.of(NEW), names());
        assertFalse(journal.contains("engine.stop " + NEW), journal.toString());
    }

    @Test
    void theDrainEndsWhenTheOldColorsOwnRequestsHaveFinishedNotThoseOfOtherServices() throws Exception {
        FakeModelProxy.InFlight onOld = proxy.request(OLD);
        proxy.request("other-model-blue-1"); // another service's long request: never finishes here
        CompletableFuture<Void> finisher = CompletableFuture.runAsync(() -> {
            Await.until("the drain started", Duration.ofSeconds(20), () -> journal.contains("proxy.drain"));
            onOld.finish();
        });

        Deploy d = fakes.deploy(SERVICE, V2, Duration.ofSeconds(20));
        finisher.get(20, TimeUnit.SECONDS);

        assertEquals(Deploy.State.SUCCEEDED, d.state(), d.reason());
        assertTrue(journal.hasInOrder("proxy.apply blue", "proxy.drain", "request.done " + OLD, "engine.stop " + OLD,
                "engine.remove " + OLD), journal.toString());
        assertFalse(journal.contains("proxy.drain timeout"), "the other service's request held the drain:\n" + journal);
        assertTrue(d.steps().stream().anyMatch(s -> s.step().equals("drain")
                && s.message().equals("old requests finished")), d.steps().toString());
    }

    @Test
    void aRequestOnTheOldColorThatOutlastsTheDrainTimeoutDoesNotHoldTheDeployPastIt() throws Exception {
        proxy.request(OLD); // never finishes

        Deploy d = fakes.deploy(SERVICE, V2, Duration.ofMillis(200));

        assertEquals(Deploy.State.SUCCEEDED, d.state(), d.reason());
        assertTrue(journal.hasInOrder("proxy.drain", "proxy.drain timeout", "engine.stop " + OLD), journal.toString());
        assertTrue(d.steps().stream().anyMatch(s -> s.step().equals("drain")
                && s.message().contains("drain timeout reached")), d.steps().toString());
        assertEquals(List.of(NEW), names());
    }

    @Test
    void aSwitchTheProxyRefusesKeepsTheOldRouteAndRemovesTheStartedContainers() throws Exception {
        proxy.refuse(route -> route.color().equals("blue"));

        Deploy d = deploy(V2);

        assertEquals(Deploy.State.FAILED, d.state());
        assertTrue(d.reason().contains("rejected"), d.reason());
        assertTrue(journal.hasInOrder("engine.start " + NEW, "proxy.apply blue", "engine.stop " + NEW,
                "engine.remove " + NEW), journal.toString());
        assertEquals(Route.UNMANAGED, liveColor(), "the refused route never went live");
        assertEquals(List.of(OLD), names());
        assertFalse(journal.contains("proxy.drain") || journal.contains("engine.stop " + OLD), journal.toString());
    }

    @Test
    void aSwitchThatTrafficNeverConfirmsReappliesThePreviousRouteBeforeRemovingTheNewContainers() throws Exception {
        traffic.neverReachesNewColor();

        Deploy d = deploy(V2);

        assertEquals(Deploy.State.FAILED, d.state());
        assertTrue(d.reason().contains("did not reach the blue color"), d.reason());
        assertTrue(journal.hasInOrder("proxy.apply blue", "traffic.verify blue", "proxy.apply none",
                "engine.stop " + NEW, "engine.remove " + NEW), journal.toString());
        assertTrue(journal.firstBefore("proxy.apply none", "engine.stop " + NEW),
                "the previous route is back before the new containers go:\n" + journal);
        assertEquals(Route.UNMANAGED, liveColor());
        assertEquals(List.of(OLD), names());
        assertFalse(journal.contains("engine.stop " + OLD), journal.toString());
    }

    @Test
    void aContainerThatExitsIsRemovedWithItsLogKeptAndTheRouteNeverTouched() throws Exception {
        engine.onStart(c -> c.image().equals(V2) ? Behaviour.EXITS : Behaviour.HEALTHY);

        Deploy d = deploy(V2);

        assertEquals(Deploy.State.FAILED, d.state());
        assertTrue(d.reason().contains("exited with code 3"), d.reason());
        assertEquals("fake log of " + NEW, d.logTail());
        assertFalse(journal.contains("proxy.apply"), journal.toString());
        assertTrue(journal.hasInOrder("engine.start " + NEW, "engine.stop " + NEW, "engine.remove " + NEW));
        assertEquals(List.of(OLD), names());
    }

    @Test
    void aContainerThatNeverGetsHealthyIsRemovedAfterTheHealthTimeoutAndTheRouteNeverTouched() throws Exception {
        engine.onStart(c -> c.image().equals(V2) ? Behaviour.NEVER_HEALTHY : Behaviour.HEALTHY);

        Deploy d = deploy(V2);

        assertEquals(Deploy.State.FAILED, d.state());
        assertTrue(d.reason().contains("was not healthy within PT0.3S"), d.reason());
        assertFalse(journal.contains("proxy.apply"), journal.toString());
        assertEquals(List.of(OLD), names());
    }

    @Test
    void aModelThatAnswersReadyIsSwitchedToWithoutWaitingForTheEnginesHealthcheck() throws Exception {
        engine.onStart(c -> c.image().equals(V2) ? Behaviour.NEVER_HEALTHY : Behaviour.HEALTHY);
        traffic.modelsAnswerReady();

        Deploy d = deploy(V2);

        assertEquals(Deploy.State.SUCCEEDED, d.state(), d.reason());
        assertTrue(journal.hasInOrder("engine.start " + NEW, "traffic.ready sample-model-blue-2", "proxy.apply blue"),
                journal.toString());
        assertTrue(d.steps().stream().anyMatch(s -> s.step().equals("healthy")
                && s.message().contains("/v2/health/ready answered 200")), d.steps().toString());
        assertEquals(List.of(NEW), names());
    }

    @Test
    void aContainerTheEngineMarksUnhealthyIsNotOverruledByItsReadinessProbe() throws Exception {
        engine.healthOnStart(c -> c.image().equals(V2) ? Health.UNHEALTHY : Health.HEALTHY);
        traffic.modelsAnswerReady();

        Deploy d = deploy(V2);

        assertEquals(Deploy.State.FAILED, d.state());
        assertTrue(d.reason().contains("was not healthy within PT0.3S (health: unhealthy)"), d.reason());
        assertFalse(journal.contains("proxy.apply"), journal.toString());
        assertEquals(List.of(OLD), names());
    }

    @Test
    void everyPhaseOfADeployIsTimedInTheOrderItRan() throws Exception {
        Deploy d = deploy(V2);

        assertEquals(List.of("prepare", "create", "ready", "switch", "verify", "drain", "stop"),
                d.phases().stream().map(Deploy.Phase::name).toList());
        long sum = d.phases().stream().mapToLong(Deploy.Phase::millis).sum();
        assertTrue(d.phases().stream().allMatch(p -> p.millis() >= 0), d.phases().toString());
        assertTrue(sum <= Duration.between(d.createdAt(), d.finishedAt()).toMillis(), d.phases() + " in " + d);
        assertTrue(d.steps().get(d.steps().size() - 1).message().contains("ready "), d.steps().toString());
    }

    @Test
    void aFailedDeployIsTimedUpToThePhaseThatFailed() throws Exception {
        engine.onStart(c -> c.image().equals(V2) ? Behaviour.EXITS : Behaviour.HEALTHY);

        Deploy d = deploy(V2);

        assertEquals(Deploy.State.FAILED, d.state());
        assertEquals(List.of("prepare", "create", "ready"), d.phases().stream().map(Deploy.Phase::name).toList());
    }

    @Test
    void anImageThatCannotBePulledFailsBeforeAnyContainerOrRouteIsTouched() throws Exception {
        Deploy d = deploy("slipway/sample-model:missing");

        assertEquals(Deploy.State.FAILED, d.state());
        assertTrue(d.reason().contains("cannot pull image"), d.reason());
        assertEquals(List.of("engine.pull slipway/sample-model:missing"), journal.entries());
        assertEquals(List.of(OLD), names());
        assertEquals(Route.UNMANAGED, liveColor());
    }
}
