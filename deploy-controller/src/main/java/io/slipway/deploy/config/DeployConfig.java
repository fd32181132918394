package io.slipway.deploy.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Settings of the deploy controller; every key can be set by environment variable, e.g. {@code DEPLOY_DOCKER_HOST}. */
@ConfigMapping(prefix = "deploy")
public interface DeployConfig {

    Docker docker();

    Nginx nginx();

    Auth auth();

    Hold hold();

    /**
     * Optional override: only these of the model services (compose services labelled {@code
     * io.slipway.model-service=true}) are deployed and reconciled. Unset: every model service of the project.
     */
    Optional<List<String>> services();

    /** Compose project of the model services; found from this controller's own container labels when unset. */
    Optional<String> composeProject();

    /** How long a new color may take to become healthy when a deploy does not say (GPU models load for minutes). */
    @WithDefault("5m")
    Duration healthTimeout();

    /** How long in-flight requests on the old color may run on after the switch when a deploy does not say. */
    @WithDefault("30s")
    Duration drainTimeout();

    /** Port of a model service whose containers carry no {@code io.slipway.model-port} label. */
    @WithDefault("8000")
    int modelPort();

    /**
     * Probe {@code /v2/health/ready} over HTTP from the controller for images without a Docker HEALTHCHECK; only works
     * when the controller runs on the project network (it does in compose).
     */
    @WithDefault("true")
    boolean httpProbe();

    /**
     * Registry host:port of the pull-through mirror as the Docker engine reaches it (e.g. {@code 127.0.0.1:5000}, the
     * mirror's published port; the engine cannot resolve compose DNS names). Every deploy then has the mirror
     * prefetch the image and pulls it from there ({@code io.slipway.deploy.image.MirrorMapping} says under which
     * name), tagged with its own name. Unset: the local image is used, pulled only when absent.
     */
    Optional<String> mirror();

    /** The mirror's API as this controller reaches it (compose: {@code http://mirror-service:5000}); unset: {@code
     * http://<mirror>}. */
    Optional<String> mirrorUrl();

    /** User the engine pulls from the mirror as (and the prefetch is sent as). */
    @WithDefault("slipway")
    String mirrorUsername();

    /** Its password (compose: the registry password); unset: anonymous pulls. */
    Optional<String> mirrorPassword();

    /** More registries the mirror proxies, as {@code host=prefix} (e.g. {@code registry.example=corp}). */
    Optional<List<String>> mirrorUpstreams();

    /** Platform the mirror prefetches, e.g. {@code linux/arm64}; unset: this host's ({@code linux/<arch>}). */
    Optional<String> mirrorPlatform();

    /**
     * Override: services whose new colors get all GPUs ({@code --gpus all}) when their compose definition asks for
     * none. Colors otherwise get exactly the definition's device requests and runtime (they copy its HostConfig).
     */
    Optional<List<String>> gpuServices();

    /**
     * How often the reconciler compares each model service with its desired state (the last successful deploy, else
     * the compose definition) and repairs drift: no running color, nginx files that do not match, nginx restarted.
     */
    @WithDefault("2s")
    Duration reconcileInterval();

    /** Where deploy history is kept (JSON files written by temp + fsync + rename). */
    @WithDefault("/etc/nginx/slipway/state")
    String stateDir();

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

        /** The nginx container (name or id); found by compose labels (project + {@link #service()}) when unset. */
        Optional<String> container();

        /** Compose service name of nginx. */
        @WithDefault("nginx")
        String service();

        /** Base URL through which the controller checks that the new color answers ({@code /models/<svc>/...}). */
        @WithDefault("http://nginx:8080")
        String verifyUrl();
    }

    /** The hold listener: where nginx sends a service's requests while a stop-first deploy swaps it. */
    interface Hold {
        /** Port of the hold listener (on every interface of the controller's container). */
        @WithDefault("8081")
        int port();

        /** Host name nginx reaches the controller by (its compose service name). */
        @WithDefault("deploy-controller")
        String host();

        /**
         * Longest a request is held before it gets 503 with Retry-After; keep it under nginx's proxy_read_timeout
         * (60 s) and above the model's load time.
         */
        @WithDefault("30s")
        Duration timeout();
    }

    interface Auth {
        /** Bearer token CI sends; when unset every API call is refused with 401 (health and metrics stay open). */
        Optional<String> token();
    }
}
