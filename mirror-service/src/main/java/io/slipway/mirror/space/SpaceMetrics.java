package io.slipway.mirror.space;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Space meters (Prometheus at {@code /q/metrics}): bytes stored and cached as of the last scan, bytes reclaimed and
 * blobs deleted by garbage collection, evictions.
 */
@ApplicationScoped
public class SpaceMetrics {

    private final MeterRegistry registry;
    private final AtomicLong stored = new AtomicLong(-1);
    private final AtomicLong cached = new AtomicLong(-1);

    public SpaceMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("mirror.storage.stored.bytes", stored, AtomicLong::get)
                .description("Bytes of blobs in the store at the last scan (-1 before the first)").register(registry);
        Gauge.builder("mirror.storage.cached.bytes", cached, AtomicLong::get)
                .description("Bytes of content only caches of upstreams hold (evictable), at the last scan")
                .register(registry);
    }

    void scanned(StoreInventory inventory) {
        measured(inventory.storedBytes(), inventory.cachedBytes());
    }

    /** A negative {@code cachedBytes}: not measured, the gauge keeps its value. */
    void measured(long storedBytes, long cachedBytes) {
        stored.set(storedBytes);
        if (cachedBytes >= 0) {
            cached.set(cachedBytes);
        }
    }

    void collected(long bytes) {
        Counter.builder("mirror.gc.blobs.deleted").register(registry).increment();
        Counter.builder("mirror.gc.bytes.reclaimed").tag("what", "blob").register(registry).increment(bytes);
    }

    void uploadSwept(long bytes) {
        Counter.builder("mirror.gc.uploads.deleted").register(registry).increment();
        Counter.builder("mirror.gc.bytes.reclaimed").tag("what", "upload").register(registry).increment(bytes);
    }

    void evicted(long bytes) {
        Counter.builder("mirror.cache.evictions").register(registry).increment();
        Counter.builder("mirror.cache.evicted.bytes").register(registry).increment(bytes);
    }

    void gcRun(String outcome) {
        Counter.builder("mirror.gc.runs").tag("outcome", outcome).register(registry).increment();
    }
}
