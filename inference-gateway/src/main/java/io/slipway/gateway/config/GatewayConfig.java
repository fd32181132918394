package io.slipway.gateway.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Settings of the gateway; every key can be set by environment variable, e.g. {@code GATEWAY_MODELS_URL}. */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    Models models();

    /** Per-model overrides, e.g. {@code gateway.model."sample-model".concurrency=8}. */
    @WithName("model")
    Map<String, ModelSettings> model();

    Store store();

    Dispatch dispatch();

    Webhooks webhooks();

    Auth auth();

    Console console();

    /** Largest request body accepted; larger ones get 413. Also applied to Quarkus' own HTTP limit. */
    @WithDefault("10M")
    MemorySize maxBodySize();

    /** Largest model result stored; a job whose result is larger fails with a clear error. */
    @WithDefault("10M")
    MemorySize maxResultSize();

    /** How often {@code GET /jobs/{id}/events} looks at the job for changes. */
    @WithDefault("250ms")
    Duration eventsInterval();

    /** How long finished jobs (and their results) are kept. */
    @WithDefault("7d")
    Duration retention();

    interface Models {
        /**
         * Base URL of nginx's model routes: model service {@code S} answers under {@code <url>/models/S/}. Going
         * through nginx keeps blue-green swaps invisible to the gateway.
         */
        @WithDefault("http://nginx:8080")
        String url();

        /**
         * Where deploy-controller publishes which model service serves which OIP model name ({@code models.json} in
         * the nginx-config volume, mounted read-only). Models neither there nor in {@link #names()} are 404.
         */
        @WithDefault("/etc/slipway/models/models.json")
        String index();

        /**
         * Optional: more model names, each served by the model service of the same name (a stack without
         * deploy-controller, tests). Not needed in compose: the index lists every model.
         */
        Optional<List<String>> names();

        /** Time limit for a synchronous inference call passed through to a model. */
        @WithDefault("60s")
        Duration syncTimeout();
    }

    interface ModelSettings {
        /** Jobs of this model run at once by this gateway instance. */
        Optional<Integer> concurrency();

        /** Queued jobs of this model above which submissions get 429. */
        Optional<Integer> maxQueueDepth();

        /** A mapping (JSON, see README) from clients' arbitrary JSON to this model's input tensors. */
        Optional<String> mapping();
    }

    interface Store {
        /**
         * JDBC URL of the job store: {@code jdbc:h2:file:...} (embedded, the default, one gateway) or
         * {@code jdbc:postgresql://...} (shared by several gateway replicas).
         */
        @WithDefault("jdbc:h2:file:/var/lib/slipway/jobs/jobs")
        String url();

        Optional<String> username();

        Optional<String> password();

        @WithDefault("16")
        int poolSize();
    }

    interface Dispatch {
        /** Jobs of one model run at once by this instance, unless the model overrides it. */
        @WithDefault("4")
        int concurrency();

        /** Queued jobs of one model above which submissions get 429, unless the model overrides it. */
        @WithDefault("10000")
        int maxQueueDepth();

        /** How often the queue is looked at when nothing wakes the dispatcher. */
        @WithDefault("200ms")
        Duration pollInterval();

        /** A running job whose lease is not renewed for this long is given to another worker. */
        @WithDefault("30s")
        Duration lease();

        /** Default limit on one model call of a job; a job may ask for another with timeoutSeconds. */
        @WithDefault("300s")
        Duration jobTimeout();

        /** Attempts of a job before a retriable failure becomes final. */
        @WithDefault("5")
        int maxAttempts();

        /** First retry delay; doubled per attempt up to retryMaxDelay. */
        @WithDefault("500ms")
        Duration retryBaseDelay();

        @WithDefault("30s")
        Duration retryMaxDelay();

        /** What a 429 tells clients to wait before submitting again (Retry-After). */
        @WithDefault("5s")
        Duration retryAfter();

        /** How long shutdown waits for running jobs before handing them back to the queue. */
        @WithDefault("10s")
        Duration drainTimeout();
    }

    /** Where the ops console ({@code /console}) reads the other services, over the compose network. */
    interface Console {
        @WithDefault("http://deploy-controller:8080")
        String deployUrl();

        @WithDefault("http://mirror-service:5000")
        String mirrorUrl();

        /** How often the queue plots get a point; they keep the last hour. */
        @WithDefault("10s")
        Duration sampleInterval();
    }

    interface Webhooks {
        /** Hosts (or host:port) webhooks may be sent to. Empty: every webhook is refused. */
        Optional<List<String>> allowedHosts();

        /** Key of the HMAC-SHA256 signature sent with each webhook; webhooks are refused without it. */
        Optional<String> secret();

        @WithDefault("8")
        int maxAttempts();

        @WithDefault("10s")
        Duration timeout();
    }

    interface Auth {
        /**
         * SHA-256 hashes (hex) of the accepted API keys: {@code printf %s "$KEY" | sha256sum}. None: the API is
         * open (a warning is logged at start).
         */
        Optional<List<String>> apiKeyHashes();
    }
}
