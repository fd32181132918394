package io.slipway.mirror.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/** The mirror's own meters (Prometheus at {@code /q/metrics}). */
@ApplicationScoped
public class MirrorMetrics {

    public enum Kind { blob, manifest }

    private final MeterRegistry registry;

    public MirrorMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void cacheHit(Kind kind) {
        counter("mirror.cache.requests", "kind", kind.name(), "result", "hit").increment();
    }

    public void cacheMiss(Kind kind) {
        counter("mirror.cache.requests", "kind", kind.name(), "result", "miss").increment();
    }

    /** {@code status} 0 means no response (refused, timed out). */
    public void upstreamRequest(String upstream, String method, int status) {
        counter("mirror.upstream.requests", "upstream", upstream, "method", method, "status",
                status == 0 ? "none" : Integer.toString(status)).increment();
    }

    public void bytesServed(String source, long bytes) {
        counter("mirror.bytes.served", "source", source).increment(bytes);
    }

    public void bytesFetched(String upstream, long bytes) {
        counter("mirror.upstream.bytes.fetched", "upstream", upstream).increment(bytes);
    }

    public void singleFlightJoin() {
        counter("mirror.singleflight.joins").increment();
    }

    public void staleServed(Kind kind) {
        counter("mirror.stale.served", "kind", kind.name()).increment();
    }

    public void digestMismatch(String upstream) {
        counter("mirror.upstream.digest.mismatch", "upstream", upstream).increment();
    }

    private Counter counter(String name, String... tags) {
        return Counter.builder(name).tags(tags).register(registry);
    }
}
