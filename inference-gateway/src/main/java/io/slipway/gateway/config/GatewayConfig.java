package io.slipway.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the gateway; every key can be set by environment variable, e.g. {@code GATEWAY_MODELS_URL}. */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    Models models();

    interface Models {
        /**
         * Base URL of nginx's model routes: model service {@code S} answers under {@code <url>/models/S/}. Going
         * through nginx keeps blue-green swaps invisible to the gateway.
         */
        @WithDefault("http://nginx:8080")
        String url();

        /** Time limit for a synchronous inference call passed through to a model. */
        @WithDefault("60s")
        Duration syncTimeout();
    }
}
