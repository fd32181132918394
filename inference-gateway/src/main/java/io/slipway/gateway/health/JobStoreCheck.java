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
        boolean open = store.isOpen();
        return HealthCheckResponse.named("job-store")
                .status(open)
                .withData("store", store.describe())
                .withData("reason", open ? "answers queries" : "does not answer a validation query")
                .build();
    }
}
