package io.slipway.deploy.proxy;

import java.util.List;

/**
 * Where a model service's traffic goes. {@code color} is {@code blue} or {@code green} for controller-made routes and
 * {@link #UNMANAGED} for the route seeded before the first deploy (the compose-created containers).
 */
public record Route(String service, String color, String deployId, List<Backend> backends) {

    public static final String UNMANAGED = "none";

    public Route {
        backends = List.copyOf(backends);
    }

    /** One upstream server: a DNS name on the project network (a container alias) and port. */
    public record Backend(String host, int port) {}
}
