package io.slipway.deploy.fakes;

import io.slipway.deploy.rollout.TrafficCheck;
import io.slipway.deploy.proxy.Route;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link TrafficCheck} without HTTP: the color "answering through nginx" is the color of the {@link FakeModelProxy}'s
 * route, unless the test says traffic never reaches the new color ({@link #neverReachesNewColor()}). A model's own
 * readiness probe does not answer (as for a controller outside the project network) until {@link #modelsAnswerReady()}.
 * A model's inference counters ({@link #inferTally}) count, at each read, 100 requests through nginx split by the
 * route's weights: a backend weighing {@code w} gets {@code w} of them, of which {@code floor(w * rate)} fail, rate
 * as {@link #modelsFail} set it (0 by default). Reads go to the journal as {@code traffic.tally}.
 */
public final class FakeTrafficCheck extends TrafficCheck {

    private final Journal journal;
    private final FakeModelProxy proxy;
    private volatile boolean broken;
    private volatile boolean modelsReady;
    private volatile double failureRate;
    private volatile boolean countersUnreadable;
    private final Map<Route.Backend, Tally> counted = new ConcurrentHashMap<>();

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

    /** From now on this share of the inference requests every model answers fails (a bad version). */
    public void modelsFail(double rate) {
        failureRate = rate;
    }

    /** From now on the models' metrics do not answer. */
    public void countersUnreadable() {
        countersUnreadable = true;
    }

    @Override
    public Tally inferTally(List<Route.Backend> backends) {
        journal.add("traffic.tally");
        if (countersUnreadable) {
            throw new IllegalStateException("fake: the model's metrics do not answer");
        }
        List<Route.Backend> routed = backends.isEmpty() ? List.of() : proxy.current(service(backends))
                .map(Route::backends).orElse(List.of());
        long requests = 0;
        long errors = 0;
        for (Route.Backend b : backends) {
            int weight = routed.stream().filter(r -> r.host().equals(b.host()) && r.port() == b.port())
                    .mapToInt(Route.Backend::weight).sum();
            Tally now = counted.merge(new Route.Backend(b.host(), b.port()),
                    new Tally(weight, (long) Math.floor(weight * failureRate)),
                    (a, c) -> new Tally(a.requests() + c.requests(), a.errors() + c.errors()));
            requests += now.requests();
            errors += now.errors();
        }
        return new Tally(requests, errors);
    }

    /** The service of a color's alias ({@code <svc>-<color>-<n>}). */
    private static String service(List<Route.Backend> backends) {
        String host = backends.get(0).host();
        return host.replaceAll("-(blue|green)-\\d+$", "");
    }

    @Override
    public boolean ready(String host, int port) {
        journal.add("traffic.ready " + host);
        return modelsReady;
    }
}
