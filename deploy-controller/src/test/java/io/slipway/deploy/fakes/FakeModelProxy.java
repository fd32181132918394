package io.slipway.deploy.fakes;

import io.slipway.deploy.proxy.ModelProxy;
import io.slipway.deploy.proxy.ProxyException;
import io.slipway.deploy.proxy.Route;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-memory {@link ModelProxy}, like slipway's nginx: {@code files} are the route files (written with or without a
 * running proxy), {@code live} what the proxy runs; a stopped proxy refuses {@link #apply}, and its start loads the
 * files, with a service whose hosts are not among {@link #resolvable} on the fallback.
 */
public final class FakeModelProxy implements ModelProxy {

    /** What a service's live route is while its hosts do not resolve (nginx's 503 fallback). */
    public static final String FALLBACK = "fallback";

    private final Map<String, Route> files = new ConcurrentHashMap<>();
    private final Map<String, Route> live = new ConcurrentHashMap<>();
    private volatile boolean running = true;
    private volatile int applied;

    /** A route file as nginx's entrypoint seeds it (or an earlier controller left it), live as well. */
    public void seed(Route route) {
        files.put(route.service(), route);
        live.put(route.service(), route);
    }

    public void stopProxy() {
        running = false;
    }

    /** Starts the proxy: it loads every route file; one whose hosts do not resolve gets the fallback. */
    public void startProxy(List<String> resolvable) {
        running = true;
        files.forEach((service, route) -> live.put(service, route.backends().stream()
                .allMatch(b -> resolvable.contains(b.host())) && !route.backends().isEmpty()
                ? route : new Route(service, FALLBACK, "", List.of())));
    }

    public Optional<Route> liveRoute(String service) {
        return Optional.ofNullable(live.get(service));
    }

    /** How many times a route was applied (a reload of nginx). */
    public int applied() {
        return applied;
    }

    @Override
    public Optional<Route> current(String service) {
        return Optional.ofNullable(files.get(service));
    }

    @Override
    public void apply(Route route) {
        if (!running) {
            throw new ProxyException("no running nginx container", null);
        }
        files.put(route.service(), route);
        live.put(route.service(), route);
        applied++;
    }

    @Override
    public void write(Route route) {
        files.put(route.service(), route);
    }

    @Override
    public boolean live(String service) {
        return files.containsKey(service) && files.get(service).equals(live.get(service));
    }

    @Override
    public boolean reachable() {
        return running;
    }

    @Override
    public boolean awaitDrained(Duration timeout) {
        return true;
    }
}
