package io.slipway.samplemodel.health;

import io.slipway.samplemodel.config.SampleModelConfig;
import io.slipway.samplemodel.model.ModelState;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the model is loaded, the same signal as OIP's {@code /v2/health/ready}. */
@Readiness
@ApplicationScoped
public class ModelLoadedCheck implements HealthCheck {

    private final ModelState state;
    private final SampleModelConfig config;

    public ModelLoadedCheck(ModelState state, SampleModelConfig config) {
        this.state = state;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("model-loaded")
                .status(state.ready())
                .withData("models", String.join(",", config.names()))
                .withData("version", config.version())
                .build();
    }
}
