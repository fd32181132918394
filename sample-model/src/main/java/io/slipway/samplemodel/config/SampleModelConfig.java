package io.slipway.samplemodel.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/** Settings of the sample model; every key can be set by environment variable, e.g. {@code SAMPLE_MODEL_VERSION}. */
@ConfigMapping(prefix = "sample-model")
public interface SampleModelConfig {

    /**
     * Names the model answers to under {@code /v2/models/{name}} (comma-separated, e.g. {@code SAMPLE_MODEL_NAMES=a,b}):
     * one server serving several OIP models, as Triton or MLServer do. Every name answers with the same formula.
     */
    @WithDefault("sample-model")
    List<String> names();

    /** Reported as {@code model_version}, so that blue and green deployments can be told apart. */
    @WithDefault("1")
    String version();

    /** Artificial latency added to every inference request (simulates a slow GPU model). */
    @WithDefault("0s")
    Duration latency();

    /** Time after start during which the model reports not ready (simulates loading weights). */
    @WithDefault("0s")
    Duration startupDelay();

    /**
     * Share of inference requests answered 500 with an OIP error body (simulates a bad model version, e.g.
     * {@code SAMPLE_MODEL_FAILURE_RATE=0.3}): deterministic, request k fails when {@code floor(k * rate)} grows, so
     * 0.3 fails 3 of every 10 requests in turn. 0 (the default) fails none, 1 fails all.
     */
    @WithDefault("0")
    double failureRate();

    /** Upper bound for the per-request {@code parameters.latency_ms} override. */
    @WithDefault("60s")
    Duration maxRequestLatency();
}
