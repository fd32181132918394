package io.slipway.deploy.rollout;

import io.slipway.deploy.compose.ComposeProject;
import io.slipway.deploy.config.DeployConfig;
import io.slipway.deploy.engine.ContainerEngine;
import io.slipway.deploy.hold.RequestHold;
import io.slipway.deploy.image.ImageResolver;
import io.slipway.deploy.proxy.ModelProxy;

/** Everything a deploy works with, injected once into {@link Deployer} and handed to each deploy. */
public record DeployContext(ContainerEngine engine, ModelProxy proxy, ComposeProject project, DeployConfig config,
                            TrafficCheck traffic, DeployMetrics metrics, ImageResolver images, RequestHold hold) {}
