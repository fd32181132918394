package io.slipway.deploy.state;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.slipway.deploy.config.DeployConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.nio.file.Path;

/** The deploy history lives in {@code deploy.state-dir}. */
public class StoreProducer {

    @Produces
    @ApplicationScoped
    DeployStore deployStore(DeployConfig config, ObjectMapper json) {
        return new FileDeployStore(Path.of(config.stateDir()), json);
    }
}
