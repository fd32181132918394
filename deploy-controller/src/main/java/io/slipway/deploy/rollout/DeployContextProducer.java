package io.slipway.deploy.rollout;

import io.slipway.deploy.compose.ComposeProject;
import io.slipway.deploy.config.DeployConfig;
import io.slipway.deploy.engine.ContainerEngine;
import io.slipway.deploy.hold.HoldProxy;
import io.slipway.deploy.image.ImageResolver;
import io.slipway.deploy.proxy.ModelProxy;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Makes the {@link DeployContext} bean out of the controller's engine, proxy and deploy beans. */
public class DeployContextProducer {

    @Produces
    @Singleton
    DeployContext context(ContainerEngine engine, ModelProxy proxy, ComposeProject project, DeployConfig config,
                          TrafficCheck traffic, DeployMetrics metrics, ImageResolver images, HoldProxy hold) {
        return new DeployContext(engine, proxy, project, config, traffic, metrics, images, hold);
    }
}
