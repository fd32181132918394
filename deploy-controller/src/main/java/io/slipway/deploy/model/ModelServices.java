package io.slipway.deploy.model;

import io.slipway.deploy.compose.ComposeLabels;
import io.slipway.deploy.compose.ComposeProject;
import io.slipway.deploy.config.DeployConfig;
import io.slipway.deploy.engine.ContainerEngine;
import io.slipway.deploy.engine.ContainerEngine.ContainerInfo;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * The model services of the compose project, read from the engine: every service with the
 * {@link ModelService#MARKER} label, declared by the labels of its definition container (compose refreshes it on
 * every {@code ./slipway up}), else of its newest color. {@code deploy.services}, when set, narrows them down.
 * A service whose labels are wrong is left out (and logged once); the others go on.
 */
@ApplicationScoped
public class ModelServices {

    private static final Logger LOG = Logger.getLogger(ModelServices.class);

    private final DeployConfig config;
    private final ContainerEngine engine;
    private final ComposeProject project;
    private final Map<String, String> lastProblem = new HashMap<>();
    private volatile List<ModelService> last = List.of();

    public ModelServices(DeployConfig config, ContainerEngine engine, ComposeProject project) {
        this.config = config;
        this.engine = engine;
        this.project = project;
    }

    /** The model services now, sorted by name. */
    public List<ModelService> all() {
        Map<String, List<ContainerInfo>> byService = new TreeMap<>();
        for (ContainerInfo c : engine.listContainers(Map.of(ComposeLabels.PROJECT, project.name(),
                ModelService.MARKER, "true"))) {
            String service = c.labels().get(ComposeLabels.SERVICE);
            if (service != null && config.services().map(only -> only.contains(service)).orElse(true)) {
                byService.computeIfAbsent(service, s -> new ArrayList<>()).add(c);
            }
        }
        List<ModelService> found = new ArrayList<>();
        byService.forEach((service, containers) -> declaration(service, containers).ifPresent(found::add));
        last = List.copyOf(found);
        return last;
    }

    /** The service's declaration, or empty when it is no (valid) model service. */
    public Optional<ModelService> find(String service) {
        return all().stream().filter(s -> s.service().equals(service)).findFirst();
    }

    /** The services found by the last {@link #all()}, without asking the engine. */
    public List<ModelService> lastKnown() {
        return last;
    }

    private Optional<ModelService> declaration(String service, List<ContainerInfo> containers) {
        ContainerInfo source = containers.stream()
                .filter(c -> !c.labels().containsKey(ComposeLabels.COLOR))
                .max(Comparator.comparing(ContainerInfo::created))
                .or(() -> containers.stream().max(Comparator.comparing(ContainerInfo::created)))
                .orElseThrow();
        try {
            ModelService declared = ModelService.fromLabels(service, source.labels(), config.modelPort());
            synchronized (lastProblem) {
                lastProblem.remove(service);
            }
            return Optional.of(declared);
        } catch (IllegalArgumentException e) {
            synchronized (lastProblem) {
                if (!e.getMessage().equals(lastProblem.put(service, e.getMessage()))) {
                    LOG.errorf("model service %s is left out: %s", service, e.getMessage());
                }
            }
            return Optional.empty();
        }
    }
}
