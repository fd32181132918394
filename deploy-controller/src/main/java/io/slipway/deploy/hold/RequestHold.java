package io.slipway.deploy.hold;

import io.slipway.deploy.proxy.Route;
import java.util.List;

/**
 * Holding a service's requests at the front while it has no backend: a route that sends them to the hold, then a
 * release to new backends. {@link HoldProxy} is the real one.
 */
public interface RequestHold {

    /** The route that sends {@code service}'s requests to the hold. */
    Route route(String service, String deployId);

    /** From now on requests of {@code service} that reach the hold are parked. */
    void hold(String service);

    /** Forwards the parked requests of {@code service}, and every later one, to {@code backends}. */
    void release(String service, List<Route.Backend> backends);

    /**
     * Ends the hold of {@code service} at once and returns what it held. Once released, requests that still reach the
     * hold (nginx workers older than the route that left it) go on to the released backends for a drain timeout;
     * never released, what is still parked gets 503.
     */
    Held end(String service);

    /** How many requests were held and for how long (ms: p50, p99, max of the released ones); how many timed out. */
    record Held(int released, long p50, long p99, long max, int timedOut) {
        @Override
        public String toString() {
            return released + " held request(s) released (held p50 " + p50 + " ms, p99 " + p99 + " ms, max " + max
                    + " ms), " + timedOut + " timed out";
        }
    }
}
