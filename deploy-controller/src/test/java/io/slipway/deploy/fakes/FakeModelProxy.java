package io.slipway.deploy.fakes;

import io.slipway.deploy.proxy.ModelProxy;
import io.slipway.deploy.proxy.ProxyException;
import io.slipway.deploy.proxy.Route;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * {@link ModelProxy} in memory, keeping the port's promise: a route it refuses leaves the previous one live. Calls
 * go to the {@link Journal} as {@code proxy.apply <color>} and {@code proxy.drain}.
 */
public final class FakeModelProxy implements ModelProxy {

    private final Journal journal;
    private final Map<String, Route> routes = new HashMap<>();
    private Predicate<Route> refuses = r -> false;

    public FakeModelProxy(Journal journal) {
        this.journal = journal;
    }

    /** The route nginx would have from its entrypoint before the first deploy (color {@code none}). */
    public synchronized void seed(Route route) {
        routes.put(route.service(), route);
    }

    /** Routes for which {@link #apply} fails like {@code nginx -t} rejecting the config. */
    public synchronized void refuse(Predicate<Route> which) {
        this.refuses = which;
    }

    @Override
    public synchronized Optional<Route> current(String service) {
        return Optional.ofNullable(routes.get(service));
    }

    @Override
    public synchronized void apply(Route route) {
        journal.add("proxy.apply " + route.color());
        if (refuses.test(route)) {
            throw new ProxyException("fake: nginx -t rejected the new config", null);
        }
        routes.put(route.service(), route);
    }

    @Override
    public boolean awaitDrained(Duration timeout) {
        journal.add("proxy.drain");
        return true;
    }
}
