package io.slipway.gateway.health;

import io.slipway.gateway.store.JobStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the job store is open: without it no job can be accepted durably. */
@Readiness
@ApplicationScoped
public class JobStoreCheck implements HealthCheck {

    private final JobStore store;

    public JobStoreCheck(JobStore store) {
        this.store = store;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("job-store")
                .status(store.isOpen())
                .withData("store", store.describe())
                .build();
    }
}
