package io.slipway.deploy.engine.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.slipway.deploy.config.DeployConfig;
import io.slipway.deploy.engine.ContainerEngine;
import io.slipway.deploy.engine.EngineException;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.time.Duration;

/** {@link ContainerEngine} on the Docker Engine API through docker-java, pinned to the configured API version. */
@ApplicationScoped
public class DockerEngine implements ContainerEngine {

    private final DockerClient client;

    public DockerEngine(DeployConfig config) {
        DefaultDockerClientConfig clientConfig = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(config.docker().host())
                .withApiVersion(config.docker().apiVersion())
                .build();
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(clientConfig.getDockerHost())
                .connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofMinutes(10))
                .build();
        this.client = DockerClientImpl.getInstance(clientConfig, http);
    }

    @Override
    public EngineInfo ping() {
        try {
            client.pingCmd().exec();
            Version version = client.versionCmd().exec();
            return new EngineInfo(version.getVersion(), version.getApiVersion());
        } catch (RuntimeException e) {
            throw new EngineException("Docker engine does not answer: " + e.getMessage(), e);
        }
    }

    @PreDestroy
    void close() throws IOException {
        client.close();
    }
}
