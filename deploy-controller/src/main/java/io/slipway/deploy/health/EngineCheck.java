package io.slipway.deploy.health;

import io.slipway.deploy.engine.ContainerEngine;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the Docker engine answers a ping: without it no deploy can run. */
@Readiness
@ApplicationScoped
public class EngineCheck implements HealthCheck {

    private final ContainerEngine engine;

    public EngineCheck(ContainerEngine engine) {
        this.engine = engine;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("container-engine");
        try {
            ContainerEngine.EngineInfo info = engine.ping();
            return response.up().withData("version", info.version()).withData("api", info.apiVersion()).build();
        } catch (RuntimeException e) {
            return response.down().withData("reason", e.getMessage()).build();
        }
    }
}
