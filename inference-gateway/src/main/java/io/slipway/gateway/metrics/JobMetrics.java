package io.slipway.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.slipway.gateway.job.JobStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The gateway's job metrics (Prometheus at {@code /q/metrics}), all tagged by model. */
@ApplicationScoped
public class JobMetrics {

    private final MeterRegistry registry;
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();

    public JobMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void submitted(String model) {
        Counter.builder("gateway.jobs.submitted").description("Jobs accepted (stored)").tag("model", model)
                .register(registry).increment();
    }

    public void rejected(String model, String reason) {
        Counter.builder("gateway.jobs.rejected").description("Submissions refused, e.g. 429 queue full")
                .tag("model", model).tag("reason", reason).register(registry).increment();
    }

    /** Time from submission to the first start of a job. */
    public void dispatched(String model, Duration waited) {
        Timer.builder("gateway.jobs.dispatch.latency").description("Submission to first start")
                .tag("model", model).publishPercentiles(0.5, 0.99).register(registry).record(waited);
    }

    /** Time from submission to the end of a job, by final status. */
    public void finished(String model, JobStatus status, Duration total) {
        Timer.builder("gateway.jobs.latency").description("Submission to finish")
                .tag("model", model).tag("status", status.wire()).publishPercentiles(0.5, 0.99)
                .register(registry).record(total);
    }

    public void retried(String model) {
        Counter.builder("gateway.jobs.retries").description("Attempts re-queued after a retriable failure")
                .tag("model", model).register(registry).increment();
    }

    public void queueDepths(Map<String, Long> depths, Iterable<String> models) {
        for (String model : models) {
            gauge("gateway.jobs.queue.depth", model, null).set(depths.getOrDefault(model, 0L));
        }
    }

    /** Stored jobs by model and status. */
    public void statusCounts(Map<String, Map<JobStatus, Long>> counts, Iterable<String> models) {
        for (String model : models) {
            Map<JobStatus, Long> byStatus = counts.getOrDefault(model, Map.of());
            for (JobStatus status : JobStatus.values()) {
                gauge("gateway.jobs", model, status).set(byStatus.getOrDefault(status, 0L));
            }
        }
    }

    private AtomicLong gauge(String name, String model, JobStatus status) {
        String key = name + "|" + model + "|" + status;
        return gauges.computeIfAbsent(key, k -> {
            AtomicLong value = new AtomicLong();
            Gauge.Builder<AtomicLong> builder = Gauge.builder(name, value, AtomicLong::doubleValue).tag("model", model);
            if (status != null) {
                builder.tag("status", status.wire());
            }
            builder.register(registry);
            return value;
        });
    }
}
