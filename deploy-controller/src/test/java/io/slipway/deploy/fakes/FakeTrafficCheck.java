package io.slipway.deploy.fakes;

import io.slipway.deploy.rollout.TrafficCheck;
import io.slipway.deploy.proxy.Route;
import java.time.Duration;

/**
 * {@link TrafficCheck} without HTTP: the color "answering through nginx" is the color of the {@link FakeModelProxy}'s
 * route, unless the test says traffic never reaches the new color ({@link #neverReachesNewColor()}). A model's own
 * readiness probe does not answer (as for a controller outside the project network) until {@link #modelsAnswerReady()}.
 */
public final class FakeTrafficCheck extends TrafficCheck {

    private final Journal journal;
    private final FakeModelProxy proxy;
    private volatile boolean broken;
    private volatile boolean modelsReady;

    public FakeTrafficCheck(Journal journal, FakeModelProxy proxy) {
        super(new FakeDeployConfig());
        this.journal = journal;
        this.proxy = proxy;
    }

    /** From now on verification after a switch fails (nginx switched, but something else answers). */
    public void neverReachesNewColor() {
        broken = true;
    }

    @Override
    public boolean servesColor(String service, String color, Duration timeout) {
        journal.add("traffic.verify " + color);
        return !broken && proxy.current(service).map(Route::color).orElse("").equals(color);
    }

    /** From now on every container's {@code /v2/health/ready} answers 200, whatever its engine health says. */
    public void modelsAnswerReady() {
        modelsReady = true;
    }

    @Override
    public boolean ready(String host, int port) {
        journal.add("traffic.ready " + host);
        return modelsReady;
    }
}
