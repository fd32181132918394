package io.slipway.mirror.space;

import io.quarkus.runtime.StartupEvent;
import io.slipway.mirror.registry.BlobRecency;
import io.slipway.mirror.registry.ErrorCode;
import io.slipway.mirror.registry.RepositoryName;
import io.slipway.mirror.storage.Storage;
import io.slipway.mirror.upstream.Upstreams;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * Keeps the store from filling up: after each upstream download that takes the cache over its limit, and every
 * check interval, a pass measures the store and evicts the least recently used cached content; every GC interval,
 * and on request, a garbage collection frees what nothing references (one instance at a time, by a lease in the
 * store). Passes run on one background thread; a requested collection runs on the caller's.
 */
@ApplicationScoped
public class SpaceKeeper {

    private static final Logger LOG = Logger.getLogger(SpaceKeeper.class);

    private final Storage storage;
    private final SpaceConfig config;
    private final SpaceMetrics metrics;
    private final StoreScan scan;
    private final CacheEviction eviction;
    private final GarbageCollector collector;
    private final GcLease lease;
    private final Optional<Long> limit;
    private final ScheduledExecutorService passes;
    private final AtomicLong cachedEstimate = new AtomicLong();
    private final AtomicBoolean passQueued = new AtomicBoolean();
    private final AtomicLong evictions = new AtomicLong();
    private final ReentrantLock collecting = new ReentrantLock();
    private volatile GcReport lastGc;

    public SpaceKeeper(Storage storage, BlobRecency recency, SpaceMetrics metrics, SpaceConfig config,
            Upstreams upstreams) {
        this.storage = storage;
        this.config = config;
        this.metrics = metrics;
        this.scan = new StoreScan(storage, name -> name.rest() != null
                && upstreams.named(name.firstComponent()).isPresent());
        this.eviction = new CacheEviction(storage, recency, metrics);
        this.collector = new GarbageCollector(storage, recency, metrics);
        this.lease = new GcLease(storage, config.leaseTtl(),
                ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8));
        this.limit = config.cacheLimit().map(m -> m.asLongValue());
        this.passes = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mirror-space");
            t.setDaemon(true);
            return t;
        });
    }

    void start(@Observes StartupEvent event) {
        long check = config.checkInterval().toMillis();
        // With a limit, measure at once: the estimate that triggers eviction starts from the real figure.
        passes.scheduleWithFixedDelay(this::pass, limit.isPresent() ? 0 : check, check, TimeUnit.MILLISECONDS);
        long gc = config.gcInterval().toMillis();
        if (gc > 0) {
            passes.scheduleWithFixedDelay(this::scheduledCollection, gc, gc, TimeUnit.MILLISECONDS);
        }
        LOG.infof("space: cache limit %s, garbage collection every %s (grace %s), uploads expire after %s",
                limit.map(l -> l + " bytes").orElse("none"), gc > 0 ? config.gcInterval() : "never (on request)",
                config.gracePeriod(), config.uploadTtl());
    }

    @PreDestroy
    void stop() {
        passes.shutdownNow();
    }

    /** An upstream download was stored: evict once the cache has outgrown its limit. */
    void downloaded(@Observes BlobRecency.Cached blob) {
        if (limit.isPresent() && cachedEstimate.addAndGet(blob.size()) > limit.get()
                && passQueued.compareAndSet(false, true)) {
            passes.execute(this::pass);
        }
    }

    /** Measures the store (the stored-bytes gauge) and, over the limit, evicts. */
    private void pass() {
        passQueued.set(false);
        try {
            StoreInventory inventory = scan.scan();
            long stored = inventory.storedBytes();
            long cached = inventory.cachedBytes();
            if (limit.isPresent() && cached > limit.get()) {
                CacheEviction.Result result = eviction.evict(inventory, limit.get(), config.evictionMinIdle());
                evictions.addAndGet(result.blobs());
                stored -= result.bytes();
                cached = result.cachedBytes();
            }
            metrics.measured(stored, cached);
            cachedEstimate.set(cached);
        } catch (IOException | RuntimeException e) {
            LOG.warnf("space check of %s failed: %s", storage.describe(), e.getMessage());
        }
    }

    private void scheduledCollection() {
        try {
            collect(false, config.gracePeriod());
        } catch (RuntimeException e) {
            LOG.infof("scheduled garbage collection skipped: %s", e.getMessage());
        }
    }

    /**
     * Collects garbage now; {@code dryRun} only reports what would go (and needs no lease). {@link
     * ErrorCode#GC_RUNNING} while another collection holds the lease.
     */
    public GcReport collect(boolean dryRun, Duration grace) {
        try {
            if (dryRun) {
                return collector.collect(scan, true, grace, config.uploadTtl(), () -> { });
            }
            if (!collecting.tryLock()) {
                throw ErrorCode.GC_RUNNING.exception("a collection is running on this instance");
            }
            try {
                Optional<GcLease.Held> held = lease.acquire();
                if (held.isEmpty()) {
                    metrics.gcRun("busy");
                    throw ErrorCode.GC_RUNNING.exception("held by " + lease.holder().orElse("another instance"));
                }
                try (GcLease.Held h = held.get()) {
                    GcReport report = collector.collect(scan, false, grace, config.uploadTtl(), h::keep);
                    lastGc = report;
                    metrics.gcRun("done");
                    metrics.measured(report.storedBytes(), -1);
                    return report;
                }
            } finally {
                collecting.unlock();
            }
        } catch (IOException e) {
            metrics.gcRun("failed");
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ErrorCode.UNKNOWN.exception("interrupted");
        }
    }

    /** A fresh measurement of the store. */
    public SpaceReport report() throws IOException {
        StoreInventory inventory = scan.scan();
        metrics.scanned(inventory);
        long uploadBytes = inventory.uploads().stream().mapToLong(StoreInventory.Upload::bytes).sum();
        return new SpaceReport(inventory.storedBytes(), inventory.blobs().size(), inventory.cachedBytes(),
                limit.orElse(null), inventory.pushedBytes(), inventory.unreferencedBytes(), inventory.uploads().size(),
                uploadBytes, inventory.revisions(), evictions.get(), lease.holder().orElse(null), lastGc);
    }

    /** Whether {@code name} is where a cache of an upstream keeps its content (not a pushed repository). */
    public boolean isCache(RepositoryName name) {
        return scan.isCache(name);
    }
}
