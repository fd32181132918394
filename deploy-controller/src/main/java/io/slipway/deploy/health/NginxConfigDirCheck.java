package io.slipway.deploy.health;

import io.slipway.deploy.config.DeployConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the nginx config directory takes writes: a deploy ends by rewriting an upstream file there. */
@Readiness
@ApplicationScoped
public class NginxConfigDirCheck implements HealthCheck {

    private final Path dir;

    public NginxConfigDirCheck(DeployConfig config) {
        this.dir = Path.of(config.nginx().configDir());
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("nginx-config-dir").withData("dir", dir.toString());
        try {
            Path probe = Files.createTempFile(dir, ".probe-", ".tmp");
            Files.delete(probe);
            return response.up().build();
        } catch (IOException | RuntimeException e) {
            return response.down().withData("reason", String.valueOf(e)).build();
        }
    }
}
