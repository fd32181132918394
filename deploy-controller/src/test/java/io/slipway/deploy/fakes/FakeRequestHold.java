package io.slipway.deploy.fakes;

import io.slipway.deploy.hold.RequestHold;
import io.slipway.deploy.proxy.Route;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * {@link RequestHold} without a listener: writes {@code hold.hold <svc>}, {@code hold.release <svc> <host:port,...>}
 * and {@code hold.end <svc>} to the {@link Journal}; {@link #releasedTo} tells where a service's requests go now.
 */
public final class FakeRequestHold implements RequestHold {

    private final Journal journal;
    private final Map<String, List<Route.Backend>> released = new ConcurrentHashMap<>();

    public FakeRequestHold(Journal journal) {
        this.journal = journal;
    }

    @Override
    public Route route(String service, String deployId) {
        return new Route(service, Route.HOLD, deployId, List.of(new Route.Backend("fake-controller", 8081)));
    }

    @Override
    public void hold(String service) {
        journal.add("hold.hold " + service);
    }

    @Override
    public void release(String service, List<Route.Backend> backends) {
        released.put(service, List.copyOf(backends));
        journal.add("hold.release " + service + " " + backends.stream().map(b -> b.host() + ":" + b.port())
                .collect(Collectors.joining(",")));
    }

    @Override
    public Held end(String service) {
        journal.add("hold.end " + service);
        return new Held(0, 0, 0, 0, 0);
    }

    /** The backends the hold of {@code service} last released to (empty when never released). */
    public List<Route.Backend> releasedTo(String service) {
        return released.getOrDefault(service, List.of());
    }
}
