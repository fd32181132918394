package io.slipway.gateway.console;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.quarkus.runtime.StartupEvent;
import io.slipway.gateway.config.GatewayConfig;
import io.slipway.gateway.model.ModelCatalog;
import io.slipway.gateway.worker.Dispatcher;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The last hour of each model's queue, in memory: queued and running jobs, jobs finished per minute, and latency
 * (submission to finish) p50/p99, one point per {@code gateway.console.sample-interval}. Read from what this
 * replica measures (its dispatcher and its meters), so with several replicas each shows its own share.
 */
@ApplicationScoped
public class QueueHistory {

    /** One point of one model's plot. */
    public record Point(long epochSecond, long queued, long running, double finishedPerMinute, double p50Ms,
            double p99Ms) {}

    private static final Duration KEPT = Duration.ofHours(1);

    private final Dispatcher dispatcher;
    private final ModelCatalog catalog;
    private final MeterRegistry registry;
    private final Vertx vertx;
    private final Duration interval;
    private final Map<String, Deque<Point>> points = new LinkedHashMap<>();
    private final Map<String, Long> lastFinished = new LinkedHashMap<>();

    public QueueHistory(Dispatcher dispatcher, ModelCatalog catalog, MeterRegistry registry, Vertx vertx,
            GatewayConfig config) {
        this.dispatcher = dispatcher;
        this.catalog = catalog;
        this.registry = registry;
        this.vertx = vertx;
        this.interval = config.console().sampleInterval();
    }

    void start(@Observes StartupEvent event) {
        vertx.setPeriodic(interval.toMillis(), id -> vertx.executeBlocking(() -> {
            sample(Instant.now());
            return null;
        }).subscribe().with(ok -> { }, failure -> { }));
    }

    synchronized void sample(Instant now) {
        int keep = (int) Math.max(1, KEPT.toMillis() / interval.toMillis());
        for (String model : catalog.names()) {
            long finished = 0;
            double p50 = 0;
            double p99 = 0;
            for (Timer timer : registry.find("gateway.jobs.latency").tag("model", model).timers()) {
                finished += timer.count();
                for (ValueAtPercentile percentile : timer.takeSnapshot().percentileValues()) {
                    if (percentile.percentile() == 0.5) {
                        p50 = Math.max(p50, percentile.value(TimeUnit.MILLISECONDS));
                    } else if (percentile.percentile() == 0.99) {
                        p99 = Math.max(p99, percentile.value(TimeUnit.MILLISECONDS));
                    }
                }
            }
            long before = lastFinished.getOrDefault(model, finished);
            lastFinished.put(model, finished);
            double perMinute = (finished - before) * 60_000.0 / interval.toMillis();
            Deque<Point> series = points.computeIfAbsent(model, m -> new ArrayDeque<>());
            series.addLast(new Point(now.getEpochSecond(), dispatcher.queueDepth(model), dispatcher.runningJobs(model),
                    perMinute, p50, p99));
            while (series.size() > keep) {
                series.removeFirst();
            }
        }
    }

    /** Per model, its points, oldest first. */
    public synchronized Map<String, List<Point>> lastHour() {
        Map<String, List<Point>> copy = new LinkedHashMap<>();
        points.forEach((model, series) -> copy.put(model, List.copyOf(series)));
        return copy;
    }
}
