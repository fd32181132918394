package io.slipway.deploy.compose;

import io.slipway.deploy.config.DeployConfig;
import io.slipway.deploy.engine.ContainerEngine;
import io.slipway.deploy.engine.ContainerEngine.ContainerInfo;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The compose project whose services this controller deploys: {@code deploy.compose-project}, else the project label
 * of the controller's own container (found by its hostname, which Docker sets to the short container id).
 */
@ApplicationScoped
public class ComposeProject {

    private final DeployConfig config;
    private final ContainerEngine engine;
    private volatile String name;

    public ComposeProject(DeployConfig config, ContainerEngine engine) {
        this.config = config;
        this.engine = engine;
    }

    /** The project name; {@link IllegalStateException} when neither config nor the own container tells it. */
    public String name() {
        String known = name;
        if (known == null) {
            known = config.composeProject().filter(p -> !p.isBlank()).orElseGet(this::fromOwnContainer);
            name = known;
        }
        return known;
    }

    /**
     * Containers (running or not) of {@code service} in this project, oldest first: the colors slipway made (one-off
     * containers with a color label) and compose's own (the definition); {@code docker-compose run} containers are not
     * part of the service.
     */
    public List<ContainerInfo> containers(String service) {
        return engine.listContainers(Map.of(ComposeLabels.PROJECT, name(), ComposeLabels.SERVICE, service)).stream()
                .filter(c -> c.labels().containsKey(ComposeLabels.COLOR)
                        || !"True".equalsIgnoreCase(c.labels().get(ComposeLabels.ONEOFF)))
                .sorted(Comparator.comparing(ContainerInfo::created))
                .toList();
    }

    private String fromOwnContainer() {
        String hostname = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("");
        return Optional.of(hostname).filter(h -> !h.isBlank())
                .flatMap(engine::inspectContainer)
                .map(c -> c.labels().get(ComposeLabels.PROJECT))
                .orElseThrow(() -> new IllegalStateException("compose project unknown: the controller does not run "
                        + "in a compose container; set DEPLOY_COMPOSE_PROJECT"));
    }
}
