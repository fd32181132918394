package io.slipway.deploy.proxy;

import java.time.Duration;
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
     * Waits until requests that were running when the last route was applied have finished, at most {@code timeout}.
     * Returns false when some were still running at the deadline.
     */
    boolean awaitDrained(Duration timeout);
}
