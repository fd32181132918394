package io.slipway.deploy.proxy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The reverse proxy in front of the model services: which color of a service takes traffic. */
public interface ModelProxy {

    /** The route the proxy's configuration holds for {@code service}, or empty when it has none. */
    Optional<Route> current(String service);

    /**
     * Makes {@code route} live: new requests reach it within moments after this returns (a proxy reload is
     * asynchronous; callers that must know check through traffic). Validates the new configuration first; on any
     * failure the previous configuration stays in place and live, and a {@link ProxyException} says why.
     */
    void apply(Route route);

    /**
     * Writes {@code route} where the proxy reads it when it (re)starts, without making it live now: works while the
     * proxy is down. {@link #live} tells afterwards whether the proxy runs it.
     */
    void write(Route route);

    /** True when the proxy runs the route its configuration holds for {@code service} (not an older one, no fallback). */
    boolean live(String service);

    /** True when the proxy runs and takes {@link #apply}. */
    boolean reachable();

    /**
     * Waits until the proxy has no request left on {@code backends} (the servers of a color it no longer routes to),
     * at most {@code timeout}. Only those servers' requests count: requests on other services or colors, and idle
     * connections of clients, do not hold it up. Returns false when some were still running at the deadline.
     */
    boolean awaitDrained(List<Route.Backend> backends, Duration timeout);
}
