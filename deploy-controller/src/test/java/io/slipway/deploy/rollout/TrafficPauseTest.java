package io.slipway.deploy.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slipway.deploy.fakes.FakeDeployConfig;
import io.slipway.deploy.fakes.FakeDeploys;
import io.slipway.deploy.proxy.Route;
import io.slipway.deploy.state.Deploy;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pause and resume of a service's traffic on the fakes: held at the front, no deploy meanwhile, released back. */
class TrafficPauseTest {

    private static final String SERVICE = "sample-model";
    private static final String V1 = "slipway/sample-model:v1";

    @TempDir
    Path state;
    private FakeDeploys fakes;
    private TrafficPause pauses;

    @BeforeEach
    void serviceBehindNginx() {
        fakes = new FakeDeploys(state);
        fakes.engine.addImage(V1);
        fakes.engine.addComposeContainer(FakeDeployConfig.PROJECT, SERVICE, V1, List.of("SAMPLE_MODEL_VERSION=1"));
        fakes.proxy.seed(new Route(SERVICE, Route.UNMANAGED, "", List.of(new Route.Backend(SERVICE, 8000))));
        pauses = new TrafficPause(fakes.context, fakes.deployer);
    }

    @AfterEach
    void stop() {
        fakes.close();
    }

    @Test
    void aPausedServiceHoldsItsRequestsRefusesDeploysAndResumesToTheColorThatServed() throws Exception {
        TrafficPause.PauseState paused = pauses.pause(SERVICE);

        assertEquals(Route.UNMANAGED, paused.color());
        assertTrue(fakes.journal.hasInOrder("hold.hold " + SERVICE, "proxy.apply hold"), fakes.journal.toString());
        assertEquals(Route.HOLD, fakes.proxy.current(SERVICE).orElseThrow().color());
        DeployException refused = assertThrows(DeployException.class, () -> fakes.deploy(SERVICE, V1));
        assertEquals(DeployError.SERVICE_PAUSED, refused.error());

        TrafficPause.PauseState resumed = pauses.resume(SERVICE);

        assertEquals(false, resumed.paused());
        assertTrue(fakes.journal.hasInOrder("hold.release " + SERVICE + " sample-model:8000", "proxy.apply none",
                "hold.end " + SERVICE), fakes.journal.toString());
        assertEquals(Route.UNMANAGED, fakes.proxy.current(SERVICE).orElseThrow().color());
        assertEquals(Deploy.State.SUCCEEDED, fakes.deploy(SERVICE, V1).state(), "deploys run again after resume");
    }

    @Test
    void resumingAServiceThatIsNotPausedIsAConflictAndChangesNothing() {
        DeployException e = assertThrows(DeployException.class, () -> pauses.resume(SERVICE));

        assertEquals(DeployError.NOT_PAUSED, e.error());
        assertEquals(List.of(), fakes.journal.entries());
    }

    @Test
    void pausingTwiceIsAConflict() {
        pauses.pause(SERVICE);

        DeployException e = assertThrows(DeployException.class, () -> pauses.pause(SERVICE));

        assertEquals(DeployError.SERVICE_PAUSED, e.error());
    }

    @Test
    void aHoldRouteNginxRefusesLeavesTheServiceUnpaused() throws Exception {
        fakes.proxy.refuse(route -> route.color().equals(Route.HOLD));

        DeployException e = assertThrows(DeployException.class, () -> pauses.pause(SERVICE));

        assertEquals(DeployError.UNAVAILABLE, e.error());
        assertEquals(Route.UNMANAGED, fakes.proxy.current(SERVICE).orElseThrow().color());
        assertTrue(fakes.journal.contains("hold.end " + SERVICE), fakes.journal.toString());
        assertEquals(Deploy.State.SUCCEEDED, fakes.deploy(SERVICE, V1).state());
    }
}
