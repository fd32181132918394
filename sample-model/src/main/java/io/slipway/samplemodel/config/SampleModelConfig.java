package io.slipway.samplemodel.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the sample model; every key can be set by environment variable, e.g. {@code SAMPLE_MODEL_VERSION}. */
@ConfigMapping(prefix = "sample-model")
public interface SampleModelConfig {

    /** Name the model answers to under {@code /v2/models/{name}}. */
    @WithDefault("sample-model")
    String name();

    /** Reported as {@code model_version}, so that blue and green deployments can be told apart. */
    @WithDefault("1")
    String version();

    /** Artificial latency added to every inference request (simulates a slow GPU model). */
    @WithDefault("0s")
    Duration latency();

    /** Time after start during which the model reports not ready (simulates loading weights). */
    @WithDefault("0s")
    Duration startupDelay();

    /** Upper bound for the per-request {@code parameters.latency_ms} override. */
    @WithDefault("60s")
    Duration maxRequestLatency();
}
