package io.slipway.deploy.engine;

import io.quarkus.test.junit.QuarkusTest;
import io.slipway.deploy.engine.docker.DockerEngine;
import io.slipway.deploy.testing.DockerCli;
import jakarta.inject.Inject;

/** The contract on docker-java against the real Docker engine. */
@QuarkusTest
class DockerEngineTest extends ContainerEngineContract {

    @Inject
    DockerEngine engine;

    @Override
    protected ContainerEngine engine() {
        return engine;
    }

    /** {@code docker run --gpus all} is a device request for count -1 (all) with capability gpu. */
    @Override
    protected boolean requestsAllGpus(String id) {
        return DockerCli.run("inspect", "--format",
                "{{range .HostConfig.DeviceRequests}}{{.Count}} {{.Capabilities}};{{end}}", id).equals("-1 [[gpu]];");
    }

    @Override
    protected String devicesAndRuntime(String id) {
        return DockerCli.run("inspect", "--format", "{{json .HostConfig.DeviceRequests}} {{.HostConfig.Runtime}}", id);
    }
}
