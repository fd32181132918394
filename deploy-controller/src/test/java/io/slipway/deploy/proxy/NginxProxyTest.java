package io.slipway.deploy.proxy;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.slipway.deploy.proxy.nginx.NginxProxy;
import io.slipway.deploy.testing.ModelStack;
import jakarta.inject.Inject;
import java.util.Map;

/**
 * The contract on slipway's real nginx image (both tiers), with its config dir bind-mounted from a temp dir. The
 * contract applies routes no container of that color stands behind; the controller's reconciler (every 2 s by
 * default) would put the route back on the live containers in the middle of it, so it waits an hour here.
 */
@QuarkusTest
@TestProfile(NginxProxyTest.ReconcilerIdle.class)
@QuarkusTestResource(value = ModelStack.class, restrictToAnnotatedClass = true)
class NginxProxyTest extends ModelProxyContract {

    public static class ReconcilerIdle implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("deploy.reconcile-interval", "1h");
        }
    }

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
