package io.slipway.deploy.service;

import io.slipway.deploy.compose.ComposeLabels;
import io.slipway.deploy.engine.ContainerEngine.ContainerInfo;
import io.slipway.deploy.proxy.Route;
import java.util.List;
import java.util.Optional;

/**
 * A model service as it is now: the route nginx's files hold and the service's containers. The route decides which
 * color is live; containers without a color label are the compose-created ones (color {@link Route#UNMANAGED}). Compose
 * creates a model service's container without starting it ({@code up --no-start}): that <em>definition</em> is the
 * template of every color and never takes traffic. A compose container that was started (an older stack, or someone
 * started it by hand) is treated as the color {@code none}.
 */
public record LiveService(String service, Optional<Route> route, List<ContainerInfo> containers) {

    public static final String BLUE = "blue";
    public static final String GREEN = "green";
    /** Label holding the DNS alias nginx uses for a container made by a deploy. */
    public static final String ALIAS_LABEL = "slipway.alias";

    public LiveService {
        containers = List.copyOf(containers);
    }

    /** A compose-made container that was never started: the service's definition, not a color. */
    public static boolean isDefinition(ContainerInfo container) {
        return !container.labels().containsKey(ComposeLabels.COLOR) && "created".equals(container.status());
    }

    /** The definition container compose made last, if any. */
    public Optional<ContainerInfo> definition() {
        return containers.stream().filter(LiveService::isDefinition).reduce((first, second) -> second);
    }

    /** The containers that are (or were) colors: all but the definition. */
    public List<ContainerInfo> colors() {
        return containers.stream().filter(c -> !isDefinition(c)).toList();
    }

    public static String colorOf(ContainerInfo container) {
        return container.labels().getOrDefault(ComposeLabels.COLOR, Route.UNMANAGED);
    }

    /** The color nginx sends traffic to. */
    public String color() {
        return route.map(Route::color).orElse(Route.UNMANAGED);
    }

    /** The color a deploy creates next. */
    public String nextColor() {
        return BLUE.equals(color()) ? GREEN : BLUE;
    }

    public List<ContainerInfo> ofColor(String color) {
        return colors().stream().filter(c -> colorOf(c).equals(color)).toList();
    }

    public List<ContainerInfo> live() {
        return ofColor(color());
    }

    /** Live containers that run and whose healthcheck (if any) passes. */
    public List<ContainerInfo> healthyLive() {
        return live().stream().filter(LiveService::healthy).toList();
    }

    /**
     * The container new colors are made like: the definition (compose refreshes it on every {@code ./slipway up}, so
     * changed compose settings take effect on the next deploy); a stack without one uses a running container.
     */
    public Optional<ContainerInfo> template() {
        return definition()
                .or(() -> live().stream().filter(ContainerInfo::running).findFirst())
                .or(() -> containers.stream().filter(ContainerInfo::running).findFirst());
    }

    /** The DNS alias nginx reaches {@code c} by: the one a deploy gave it, else its name. */
    public static String alias(ContainerInfo c) {
        return c.labels().getOrDefault(ALIAS_LABEL, c.name());
    }

    /** The upstream servers nginx reaches {@code containers} at: each one's {@link #alias} on the model's port. */
    public static List<Route.Backend> backends(List<ContainerInfo> containers, int port) {
        return containers.stream().map(c -> new Route.Backend(alias(c), port)).toList();
    }

    public static boolean healthy(ContainerInfo c) {
        return c.running() && (c.health() == io.slipway.deploy.engine.ContainerEngine.Health.HEALTHY
                || c.health() == io.slipway.deploy.engine.ContainerEngine.Health.NONE);
    }
}
