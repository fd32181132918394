package io.slipway.deploy.rollout;

import static io.slipway.deploy.fakes.FakeDeploys.NEW;
import static io.slipway.deploy.fakes.FakeDeploys.OLD;
import static io.slipway.deploy.fakes.FakeDeploys.SERVICE;
import static io.slipway.deploy.fakes.FakeDeploys.V1;
import static io.slipway.deploy.fakes.FakeDeploys.V2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slipway.deploy.fakes.FakeDeploys;
import io.slipway.deploy.fakes.FakeModelProxy;
import io.slipway.deploy.fakes.Journal;
import io.slipway.deploy.model.ModelService;
import io.slipway.deploy.proxy.Route;
import io.slipway.deploy.state.Deploy;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decisions of a canary deploy (label {@code io.slipway.strategy: canary}) on the fakes: the new color gets its
 * traffic share in the order of the steps, each step's error rate of the new color (its own inference counters) is
 * judged, and a rate above the maximum puts all traffic back on the old color and removes the new one, while one
 * within it promotes the new color and retires the old one. The fake counts 100 requests through nginx per step, split
 * by the route's weights, so the canary's share bounds the errors it lets through.
 */
class CanaryOrderTest {


    @TempDir
    Path state;
    private FakeDeploys fakes;
    private Journal journal;
    private FakeModelProxy proxy;

    @BeforeEach
    void start() {
        fakes = new FakeDeploys(state);
        journal = fakes.journal;
        proxy = fakes.proxy;
    }

    @AfterEach
    void stop() {
        fakes.close();
    }

    /** The canary service's compose container, with the canary labels plus {@code extra}; steps last 10 ms. */
    private void canaryService(Map<String, String> extra) {
        Map<String, String> labels = new HashMap<>(Map.of(ModelService.STRATEGY, ModelService.CANARY,
                ModelService.CANARY_STEP, "10ms"));
        labels.putAll(extra);
        fakes.composeService(labels);
    }

    private List<String> canarySteps(Deploy d) {
        return d.steps().stream().filter(s -> s.step().equals("canary")).map(Deploy.Step::message).toList();
    }

    @Test
    void aHealthyCanaryGetsTenThenFiftyPercentThenAllTheTrafficAndTheOldColorIsRetired() throws Exception {
        canaryService(Map.of());

        Deploy d = fakes.deploy(SERVICE, V2);

        assertEquals(Deploy.State.SUCCEEDED, d.state(), d.reason());
        assertTrue(journal.hasInOrder("engine.start " + NEW, "traffic.tally", "proxy.apply none 10%",
                "traffic.tally", "traffic.tally", "proxy.apply none 50%", "traffic.tally", "proxy.apply blue",
                "traffic.verify blue", "engine.stop " + OLD, "engine.remove " + OLD), journal.toString());
        assertEquals("blue", proxy.current(SERVICE).orElseThrow().color());
        assertEquals(List.of(new Route.Backend("sample-model-blue-2", 8000)),
                proxy.current(SERVICE).orElseThrow().backends());
        assertEquals(List.of(NEW), fakes.names());
        List<String> steps = canarySteps(d);
        assertEquals(2, steps.size(), steps.toString());
        assertTrue(steps.get(0).startsWith("10 % to the new color for 10 ms: 0 of 10 inference requests failed "
                + "(error rate 0.000, max 0.050)"), steps.get(0));
        assertTrue(steps.get(1).startsWith("50 % to the new color for 10 ms: 0 of 50"), steps.get(1));
        assertEquals(List.of("prepare", "create", "ready", "canary", "switch", "verify", "drain", "stop"),
                d.phases().stream().map(Deploy.Phase::name).toList());
    }

    @Test
    void aFailingCanaryIsRolledBackAtTheFirstStepWithTheTrafficBackOnTheOldColor() throws Exception {
        canaryService(Map.of());
        fakes.traffic.modelsFail(0.3);

        Deploy d = fakes.deploy(SERVICE, V2);

        assertEquals(Deploy.State.FAILED, d.state());
        assertTrue(d.reason().contains("canary error rate 0.300 at 10 % is above 0.050 (3 of 10 inference requests "
                + "failed)"), d.reason());
        assertTrue(journal.hasInOrder("proxy.apply none 10%", "traffic.tally", "proxy.apply none",
                "engine.remove " + NEW), journal.toString());
        assertFalse(journal.contains("proxy.apply none 50%") || journal.contains("proxy.apply blue"),
                journal.toString());
        assertEquals(FakeDeploys.COMPOSE_ROUTE, proxy.current(SERVICE).orElseThrow(), "all traffic back on the old color");
        assertEquals(List.of(OLD), fakes.names());
        assertTrue(fakes.engine.containers().get(0).running(), "the old version kept running");
        assertEquals(List.of("10 % to the new color for 10 ms: 3 of 10 inference requests failed (error rate 0.300, "
                + "max 0.050)"), canarySteps(d));
    }

    @Test
    void theLabelsSetTheStepsAndTheMaximumErrorRate() throws Exception {
        canaryService(Map.of(ModelService.CANARY_STEPS, "25, 75", ModelService.CANARY_MAX_ERROR_RATE, "0.2"));
        fakes.traffic.modelsFail(0.1);

        Deploy d = fakes.deploy(SERVICE, V2);

        assertEquals(Deploy.State.SUCCEEDED, d.state(), d.reason());
        assertTrue(journal.hasInOrder("proxy.apply none 25%", "proxy.apply none 75%", "proxy.apply blue"),
                journal.toString());
        assertFalse(journal.contains("proxy.apply none 10%") || journal.contains("proxy.apply none 50%"),
                journal.toString());
        assertEquals(List.of("25 % to the new color for 10 ms: 2 of 25 inference requests failed (error rate 0.080, "
                + "max 0.200)", "75 % to the new color for 10 ms: 7 of 75 inference requests failed (error rate "
                + "0.093, max 0.200)"), canarySteps(d));
    }

    @Test
    void wrongCanaryLabelsFailTheDeployBeforeAnythingStarts() throws Exception {
        canaryService(Map.of(ModelService.CANARY_STEPS, "50,10"));

        Deploy d = fakes.deploy(SERVICE, V2);

        assertEquals(Deploy.State.FAILED, d.state());
        assertTrue(d.reason().contains(ModelService.CANARY_STEPS + " '50,10' must rise"), d.reason());
        assertFalse(journal.contains("engine.create") || journal.contains("proxy.apply"), journal.toString());
        assertEquals(List.of(OLD), fakes.names());
    }

    @Test
    void countersThatCannotBeReadRollTheCanaryBack() throws Exception {
        canaryService(Map.of());
        fakes.traffic.countersUnreadable();

        Deploy d = fakes.deploy(SERVICE, V2);

        assertEquals(Deploy.State.FAILED, d.state());
        assertTrue(d.reason().contains("metrics do not answer"), d.reason());
        assertEquals(FakeDeploys.COMPOSE_ROUTE, proxy.current(SERVICE).orElseThrow());
        assertEquals(List.of(OLD), fakes.names());
    }
}
