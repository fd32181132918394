package io.slipway.deploy.proxy;

import java.util.List;

/**
 * Where a model service's traffic goes. {@code color} is {@code blue} or {@code green} for controller-made routes and
 * {@link #UNMANAGED} for the route seeded before the first deploy (the compose-created containers), {@link #HOLD}
 * while a service's requests wait in the controller's hold listener (a stop-first deploy).
 */
public record Route(String service, String color, String deployId, List<Backend> backends) {

    public static final String UNMANAGED = "none";
    /** The route sends the service's requests to the hold listener, which parks them until released. */
    public static final String HOLD = "hold";

    public Route {
        backends = List.copyOf(backends);
    }

    /** One upstream server: a DNS name on the project network (a container alias) and port. */
    public record Backend(String host, int port) {}
}
