package io.slipway.mirror.health;

import io.slipway.mirror.storage.Storage;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the registry storage takes writes (upstream reachability does not make the mirror unready). */
@Readiness
@ApplicationScoped
public class StorageWritableCheck implements HealthCheck {

    private final Storage storage;

    public StorageWritableCheck(Storage storage) {
        this.storage = storage;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("storage-writable").withData("storage", storage.describe());
        try {
            storage.checkWritable();
            return response.up().build();
        } catch (Exception e) {
            return response.down().withData("reason", String.valueOf(e)).build();
        }
    }
}
