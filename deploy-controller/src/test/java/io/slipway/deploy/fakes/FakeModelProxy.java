package io.slipway.deploy.fakes;

import io.slipway.deploy.proxy.ModelProxy;
import io.slipway.deploy.proxy.ProxyException;
import io.slipway.deploy.proxy.Route;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * An in-memory {@link ModelProxy}, like slipway's nginx: {@code files} are the route files (written with or without a
 * running proxy), {@code live} what the proxy runs. It keeps the port's promise: a route it refuses leaves the
 * previous one live; a stopped proxy refuses {@link #apply}, and its start loads the files, with a service whose hosts
 * are not among the resolvable ones on the fallback. Calls go to the {@link Journal} as {@code proxy.apply <color>},
 * {@code proxy.write <color>} and {@code proxy.drain}; a split route's apply as {@code proxy.apply <old color> <n>%}.
 * Requests it holds on a server ({@link #request}) keep that server's drain waiting until they finish (journalled as
 * {@code request.done <host>}).
 */
public final class FakeModelProxy implements ModelProxy {

    /** What a service's live route is while its hosts do not resolve (nginx's 503 fallback). */
    public static final String FALLBACK = "fallback";

    private final Journal journal;
    private final Map<String, Route> files = new ConcurrentHashMap<>();
    private final Map<String, Route> live = new ConcurrentHashMap<>();
    private volatile Predicate<Route> refuses = r -> false;
    private volatile boolean running = true;
    private volatile int applied;
    /** Host → requests in flight on it; guarded by {@code this}. */
    private final Map<String, Integer> inFlight = new java.util.HashMap<>();

    public FakeModelProxy(Journal journal) {
        this.journal = journal;
    }

    public FakeModelProxy() {
        this(new Journal());
    }

    /** A route file as nginx's entrypoint seeds it (or an earlier controller left it), live as well. */
    public void seed(Route route) {
        files.put(route.service(), route);
        live.put(route.service(), route);
    }

    /** Routes for which {@link #apply} fails like {@code nginx -t} rejecting the config. */
    public void refuse(Predicate<Route> which) {
        this.refuses = which;
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
    public synchronized void apply(Route route) {
        journal.add("proxy.apply " + route.color() + split(route));
        if (!running) {
            throw new ProxyException("fake: no running nginx container", null);
        }
        if (refuses.test(route)) {
            throw new ProxyException("fake: nginx -t rejected the new config", null);
        }
        files.put(route.service(), route);
        live.put(route.service(), route);
        applied++;
    }

    /** For a canary's split route, {@code " <n>%"}: the share its last backend (the new color) gets. */
    private static String split(Route route) {
        List<Route.Backend> b = route.backends();
        return b.stream().allMatch(x -> x.weight() == 1) ? "" : " " + b.get(b.size() - 1).weight() + "%";
    }

    @Override
    public void write(Route route) {
        journal.add("proxy.write " + route.color());
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

    /** Waits (for real, up to {@code timeout}) until no request it holds is on one of {@code backends}' hosts. */
    @Override
    public synchronized boolean awaitDrained(List<Route.Backend> backends, Duration timeout) {
        journal.add("proxy.drain");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (backends.stream().anyMatch(b -> inFlight.getOrDefault(b.host(), 0) > 0)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                journal.add("proxy.drain timeout");
                return false;
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** A request the proxy now holds on {@code host} (a server of some color), until {@link InFlight#finish}. */
    public synchronized InFlight request(String host) {
        inFlight.merge(host, 1, Integer::sum);
        return new InFlight(host);
    }

    /** One request held by the proxy. */
    public final class InFlight {
        private final String host;

        private InFlight(String host) {
            this.host = host;
        }

        public void finish() {
            synchronized (FakeModelProxy.this) {
                inFlight.merge(host, -1, Integer::sum);
                journal.add("request.done " + host);
                FakeModelProxy.this.notifyAll();
            }
        }
    }
}
