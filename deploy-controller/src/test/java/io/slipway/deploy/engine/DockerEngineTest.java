package io.slipway.deploy.engine;

import io.quarkus.test.junit.QuarkusTest;
import io.slipway.deploy.engine.docker.DockerEngine;
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
}
