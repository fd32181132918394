package io.slipway.deploy.proxy;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.slipway.deploy.proxy.nginx.NginxProxy;
import io.slipway.deploy.testing.ModelStack;
import jakarta.inject.Inject;

/** The contract on slipway's real nginx image (both tiers), with its config dir bind-mounted from a temp dir. */
@QuarkusTest
@QuarkusTestResource(value = ModelStack.class, restrictToAnnotatedClass = true)
class NginxProxyTest extends ModelProxyContract {

    @Inject
    NginxProxy proxy;

    @Override
    protected ModelProxy proxy() {
        return proxy;
    }

    @Override
    protected String baseUrl() {
        return ModelStack.nginxUrl();
    }
}
