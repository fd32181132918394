package io.slipway.deploy.proxy;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a model service's traffic goes. {@code color} is {@code blue} or {@code green} for controller-made routes and
 * {@link #UNMANAGED} for the route seeded before the first deploy (the compose-created containers), {@link #HOLD}
 * while a service's requests wait in the controller's hold listener (a stop-first deploy). A canary deploy's route
 * carries both colors, their backends weighted by the share of traffic each gets ({@link #split}); its color is the
 * old one, which stays the service's color until the canary is promoted.
 */
public record Route(String service, String color, String deployId, List<Backend> backends) {

    public static final String UNMANAGED = "none";
    /** The route sends the service's requests to the hold listener, which parks them until released. */
    public static final String HOLD = "hold";

    public Route {
        backends = List.copyOf(backends);
    }

    /**
     * The route that sends {@code percent} % of the traffic to {@code next}'s backends and the rest to {@code old}'s
     * (nginx upstream weights, 1 to 99 %), recorded under {@code old}'s color and {@code next}'s deploy.
     */
    public static Route split(Route old, Route next, int percent) {
        if (percent < 1 || percent > 99) {
            throw new IllegalArgumentException("a split route gives the new color 1 to 99 %, not " + percent);
        }
        List<Backend> both = new ArrayList<>();
        old.backends().forEach(b -> both.add(new Backend(b.host(), b.port(), 100 - percent)));
        next.backends().forEach(b -> both.add(new Backend(b.host(), b.port(), percent)));
        return new Route(old.service(), old.color(), next.deployId(), both);
    }

    /**
     * One upstream server: a DNS name on the project network (a container alias) and port, and its nginx
     * {@code weight} (1 unless the route splits traffic between two colors).
     */
    public record Backend(String host, int port, int weight) {

        public Backend {
            if (weight < 1) {
                throw new IllegalArgumentException("an upstream weight is at least 1, not " + weight);
            }
        }

        public Backend(String host, int port) {
            this(host, port, 1);
        }

        @Override
        public String toString() {
            return host + ":" + port + (weight == 1 ? "" : " weight=" + weight);
        }
    }
}
