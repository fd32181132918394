package io.slipway.deploy.rollout;

import static io.slipway.deploy.fakes.FakeDeploys.NEW;
import static io.slipway.deploy.fakes.FakeDeploys.OLD;
import static io.slipway.deploy.fakes.FakeDeploys.SERVICE;
import static io.slipway.deploy.fakes.FakeDeploys.V1;
import static io.slipway.deploy.fakes.FakeDeploys.V2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slipway.deploy.engine.ContainerEngine.ContainerInfo;
import io.slipway.deploy.fakes.FakeContainerEngine;
import io.slipway.deploy.fakes.FakeContainerEngine.Behaviour;
import io.slipway.deploy.fakes.FakeDeploys;
import io.slipway.deploy.fakes.FakeModelProxy;
import io.slipway.deploy.fakes.Journal;
import io.slipway.deploy.model.ModelService;
import io.slipway.deploy.proxy.Route;
import io.slipway.deploy.state.Deploy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ordering rules of a stop-first deploy (label {@code io.slipway.strategy: stop-first}) on the fakes: requests are
 * held before the old color drains, the old color is stopped before the new one is created, held requests go to the
 * new color before nginx does, and any failure starts the old color again and releases the held requests to it.
 * {@code DeployE2EIT} runs the same deploy on the real engine and nginx under load.
 */
class StopFirstOrderTest {


    @TempDir
    Path state;
    private FakeDeploys fakes;
    private Journal journal;
    private FakeContainerEngine engine;
    private FakeModelProxy proxy;

    @BeforeEach
    void stopFirstServiceBehindNginx() {
        fakes = new FakeDeploys(state);
        journal = fakes.journal;
        engine = fakes.engine;
        proxy = fakes.proxy;
        fakes.composeService(Map.of(ModelService.STRATEGY, ModelService.STOP_FIRST));
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

    private ContainerInfo container(String name) {
        return engine.containers().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void holdsThenStopsTheOldColorBeforeTheNewOneIsCreatedAndReleasesToItBeforeNginxSwitches() throws Exception {
        Deploy d = deploy(V2);

        assertEquals(Deploy.State.SUCCEEDED, d.state(), d.reason());
        assertTrue(journal.hasInOrder("hold.hold " + SERVICE, "proxy.apply hold", "proxy.drain",
                "engine.stop " + OLD, "engine.create " + NEW, "engine.start " + NEW,
                "hold.release " + SERVICE + " sample-model-blue-2:8000", "proxy.apply blue", "traffic.verify blue",
                "hold.end " + SERVICE, "engine.remove " + OLD), journal.toString());
        assertTrue(journal.firstBefore("engine.stop " + OLD, "engine.create " + NEW), journal.toString());
        assertEquals("blue", proxy.current(SERVICE).orElseThrow().color());
        assertEquals(List.of(NEW), names());
        assertEquals(List.of("prepare", "hold", "drain", "stop", "create", "ready", "release", "switch", "verify",
                "unhold", "remove"), d.phases().stream().map(Deploy.Phase::name).toList());
    }

    @Test
    void aNewColorThatExitsStartsTheOldOneAgainAndReleasesTheHeldRequestsToIt() throws Exception {
        engine.onStart(c -> c.image().equals(V2) ? Behaviour.EXITS : Behaviour.HEALTHY);

        Deploy d = deploy(V2);

        assertEquals(Deploy.State.FAILED, d.state());
        assertTrue(d.reason().contains("exited with code 3"), d.reason());
        assertTrue(journal.hasInOrder("engine.stop " + OLD, "engine.start " + NEW, "engine.start " + OLD,
                "hold.release " + SERVICE + " sample-model:8000", "proxy.apply none", "engine.remove " + NEW,
                "hold.end " + SERVICE), journal.toString());
        assertEquals(List.of(OLD), names());
        assertTrue(container(OLD).running(), "the old version runs again");
        assertEquals(Route.UNMANAGED, proxy.current(SERVICE).orElseThrow().color());
        assertFalse(journal.contains("hold.release " + SERVICE + " sample-model-blue"), journal.toString());
    }

    @Test
    void aSwitchTrafficNeverConfirmsGoesBackToTheOldColorWithTheHeldRequests() throws Exception {
        fakes.traffic.neverReachesNewColor();

        Deploy d = deploy(V2);

        assertEquals(Deploy.State.FAILED, d.state());
        assertTrue(journal.hasInOrder("hold.release " + SERVICE + " sample-model-blue-2:8000", "proxy.apply blue",
                "traffic.verify blue", "engine.start " + OLD, "hold.release " + SERVICE + " sample-model:8000",
                "proxy.apply none", "engine.remove " + NEW), journal.toString());
        assertEquals(List.of(OLD), names());
        assertEquals(List.of(new Route.Backend(SERVICE, 8000)), fakes.hold.releasedTo(SERVICE));
    }

    @Test
    void aHoldNginxRefusesChangesNothing() throws Exception {
        proxy.refuse(route -> route.color().equals(Route.HOLD));

        Deploy d = deploy(V2);

        assertEquals(Deploy.State.FAILED, d.state());
        assertFalse(journal.contains("engine.stop") || journal.contains("engine.create"), journal.toString());
        assertTrue(container(OLD).running());
        assertEquals(Route.UNMANAGED, proxy.current(SERVICE).orElseThrow().color());
        assertTrue(journal.contains("hold.end " + SERVICE), journal.toString());
    }
}
