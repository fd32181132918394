package io.slipway.deploy.service;

import io.slipway.deploy.compose.ComposeProject;
import io.slipway.deploy.config.DeployConfig;
import io.slipway.deploy.model.ModelService;
import io.slipway.deploy.model.ModelServices;
import io.slipway.deploy.engine.ContainerEngine;
import io.slipway.deploy.engine.ContainerEngine.ContainerInfo;
import io.slipway.deploy.proxy.ModelProxy;
import io.slipway.deploy.reconcile.Repairs;
import io.slipway.deploy.rollout.DeployError;
import io.slipway.deploy.rollout.DeployFailure;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * What {@code GET /services} shows: per model service the live color, what it runs, whether it is healthy, whether
 * nginx runs its route ({@code routeLive}), its compose definition's image and the reconciler's last repair.
 */
@ApplicationScoped
public class ServiceStatus {

    public record ServiceView(String name, String color, String image, String imageId, String digest, int replicas,
                              boolean healthy, boolean routeLive, String definitionImage,
                              Repairs.Repair lastRepair, List<ContainerView> containers) {}

    public record ContainerView(String name, String color, String status, String health, String image) {}

    private final DeployConfig config;
    private final ContainerEngine engine;
    private final ModelProxy proxy;
    private final ComposeProject project;
    private final Repairs repairs;

    private final ModelServices services;

    public ServiceStatus(DeployConfig config, ContainerEngine engine, ModelProxy proxy, ComposeProject project,
                         Repairs repairs, ModelServices services) {
        this.services = services;
        this.config = config;
        this.engine = engine;
        this.proxy = proxy;
        this.project = project;
        this.repairs = repairs;
    }

    public List<ServiceView> all() {
        try {
            return services.all().stream().map(ModelService::service).map(this::view).toList();
        } catch (IllegalStateException e) {
            throw DeployError.UNAVAILABLE.because(e.getMessage());
        } catch (RuntimeException e) {
            throw DeployError.UNAVAILABLE.because("cannot read the services: " + DeployFailure.reason(e));
        }
    }

    private ServiceView view(String service) {
        LiveService live = new LiveService(service, proxy.current(service), project.containers(service));
        List<ContainerInfo> serving = live.live();
        ContainerInfo first = serving.stream().filter(ContainerInfo::running).findFirst()
                .orElse(serving.isEmpty() ? null : serving.get(0));
        String digest = first == null ? "" : engine.inspectImage(first.imageId())
                .flatMap(i -> i.repoDigests().stream().findFirst())
                .map(d -> d.substring(d.indexOf('@') + 1)).orElse("");
        List<ContainerView> containers = live.colors().stream()
                .map(c -> new ContainerView(c.name(), LiveService.colorOf(c), c.status(),
                        c.health().name().toLowerCase(), c.image()))
                .toList();
        return new ServiceView(service, live.color(), first == null ? "" : first.image(),
                first == null ? "" : first.imageId(), digest, (int) serving.stream().filter(ContainerInfo::running)
                .count(), !live.healthyLive().isEmpty() && live.healthyLive().size() == serving.size(),
                proxy.live(service), live.definition().map(ContainerInfo::image).orElse(""),
                repairs.last(service).orElse(null), containers);
    }
}
