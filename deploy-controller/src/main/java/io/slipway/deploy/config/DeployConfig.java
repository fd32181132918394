package io.slipway.deploy.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the deploy controller; every key can be set by environment variable, e.g. {@code DEPLOY_DOCKER_HOST}. */
@ConfigMapping(prefix = "deploy")
public interface DeployConfig {

    Docker docker();

    Nginx nginx();

    interface Docker {
        /** Docker engine endpoint. */
        @WithDefault("unix:///var/run/docker.sock")
        String host();

        /** Engine API version asked for; 1.41 is Docker 20.10, the oldest engine slipway supports. */
        @WithDefault("1.41")
        String apiVersion();
    }

    interface Nginx {
        /** Directory shared with the nginx container where per-service upstream files are written. */
        @WithDefault("/etc/nginx/slipway")
        String configDir();
    }
}
