package io.slipway.gateway.worker;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.StartupEvent;
import io.slipway.gateway.config.GatewayConfig;
import io.slipway.gateway.job.ClaimedJob;
import io.slipway.gateway.job.JobStatus;
import io.slipway.gateway.metrics.JobMetrics;
import io.slipway.gateway.model.ModelCatalog;
import io.slipway.gateway.model.ModelClient;
import io.slipway.gateway.model.ModelReply;
import io.slipway.gateway.model.ModelUnreachable;
import io.slipway.gateway.store.JobStore;
import io.slipway.gateway.webhook.WebhookSender;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Runs queued jobs: claims them from the store under a lease (renewed while they run), calls the model, and
 * records the outcome. Connection errors, 5xx, 429 and 408 are retried with backoff; other 4xx and timeouts fail
 * the job. Per-model concurrency is a limit per gateway instance. The loop wakes on submissions and completions,
 * and polls otherwise (other replicas' submissions, due retries).
 */
@Startup
@ApplicationScoped
public class Dispatcher {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class);
    private static final Duration EXPIRED_LEASE_SCAN = Duration.ofSeconds(1);
    private static final Duration COUNT_REFRESH = Duration.ofSeconds(5);
    private static final Duration RETENTION_SCAN = Duration.ofMinutes(1);
    private static final int MAX_ERROR_BODY = 500;

    private final JobStore store;
    private final ModelClient models;
    private final ModelCatalog catalog;
    private final JobMetrics metrics;
    private final WebhookSender webhooks;
    private final GatewayConfig.Dispatch settings;
    private final Duration retention;
    private final long maxResultBytes;
    private final Backoff backoff;
    private final String owner = "gw-" + UUID.randomUUID().toString().substring(0, 13);

    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Attempt> attempts = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> acceptedSincePoll = new ConcurrentHashMap<>();
    private volatile Map<String, Long> depths = Map.of();
    private final Semaphore wakeups = new Semaphore(0);
    private final AtomicBoolean stopping = new AtomicBoolean();
    private ExecutorService completions;
    private Thread loop;
    private Instant nextLeaseRenewal = Instant.EPOCH;
    private Instant nextDepthRefresh = Instant.EPOCH;
    private Instant nextWebhookScan = Instant.EPOCH;
    private Instant nextExpiredScan = Instant.EPOCH;
    private Instant nextCountRefresh = Instant.EPOCH;
    private Instant nextRetentionScan = Instant.EPOCH;

    public Dispatcher(JobStore store, ModelClient models, ModelCatalog catalog, JobMetrics metrics,
            WebhookSender webhooks, GatewayConfig config) {
        this.store = store;
        this.models = models;
        this.catalog = catalog;
        this.metrics = metrics;
        this.webhooks = webhooks;
        this.settings = config.dispatch();
        this.retention = config.retention();
        this.maxResultBytes = config.maxResultSize().asLongValue();
        this.backoff = new Backoff(settings.retryBaseDelay(), settings.retryMaxDelay());
    }

    void start(@Observes StartupEvent event) {
        if (store.exclusive()) {
            // Nobody else can hold a lease in an embedded store: what was running belonged to a previous process.
            int orphans = store.requeueAllRunning(Instant.now());
            if (orphans > 0) {
                LOG.infof("re-queued %d job(s) left running by a previous gateway process", orphans);
            }
        }
        completions = Executors.newFixedThreadPool(4, named("gateway-completion"));
        loop = named("gateway-dispatcher").newThread(this::run);
        loop.start();
        LOG.infof("dispatcher %s started on %s", owner, store.describe());
    }

    void stop(@Observes ShutdownEvent event) {
        stopping.set(true);
        wake();
        try {
            loop.join(5_000);
            long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
            while (!attempts.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        attempts.values().forEach(Attempt::abandon);
        int released = store.releaseOwner(owner, Instant.now());
        if (released > 0) {
            LOG.infof("handed %d running job(s) back to the queue", released);
        }
        completions.shutdown();
    }

    /** Look at the queue now (a job was submitted). */
    public void wake() {
        wakeups.release();
    }

    /** Records a job accepted by this instance, so backpressure sees it before the next poll. */
    public void accepted(String model) {
        acceptedSincePoll.computeIfAbsent(model, m -> new AtomicLong()).incrementAndGet();
        wake();
    }

    /** Queued jobs of a model, as of the last poll plus those accepted here since. */
    public long queueDepth(String model) {
        AtomicLong accepted = acceptedSincePoll.get(model);
        return depths.getOrDefault(model, 0L) + (accepted == null ? 0 : accepted.get());
    }

    /** Jobs of a model this instance is running now. */
    public int runningJobs(String model) {
        return running(model).get();
    }

    /** Stops this instance's call for a job (it was canceled). */
    public void abort(String jobId) {
        Attempt attempt = attempts.get(jobId);
        if (attempt != null) {
            attempt.abandon();
        }
    }

    private void run() {
        while (!stopping.get()) {
            try {
                tick(Instant.now());
            } catch (RuntimeException e) {
                LOG.warnf("dispatcher: %s", e.getMessage());
            }
            try {
                wakeups.tryAcquire(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                wakeups.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void tick(Instant now) {
        housekeeping(now);
        if (!now.isBefore(nextDepthRefresh)) {
            // Counting is the one query whose cost grows with the queue: once per poll interval, not per wake-up.
            acceptedSincePoll.values().forEach(counter -> counter.set(0));
            depths = store.queuedByModel();
            metrics.queueDepths(depths, catalog.names());
            nextDepthRefresh = now.plus(settings.pollInterval());
        }
        for (String model : catalog.names()) {
            int free = catalog.require(model).concurrency() - running(model).get();
            if (free > 0 && !stopping.get() && queueDepth(model) > 0) {
                for (ClaimedJob job : store.claim(model, free, owner, now, settings.lease())) {
                    start(job);
                }
            }
        }
        if (!now.isBefore(nextWebhookScan)) {
            webhooks.deliverDue(now, completions);
            nextWebhookScan = now.plus(settings.pollInterval());
        }
    }

    private void housekeeping(Instant now) {
        if (!now.isBefore(nextLeaseRenewal)) {
            store.renewLeases(owner, now.plus(settings.lease()));
            nextLeaseRenewal = now.plus(settings.lease().dividedBy(3));
        }
        if (!now.isBefore(nextExpiredScan)) {
            int requeued = store.requeueExpiredLeases(now);
            if (requeued > 0) {
                LOG.infof("re-queued %d job(s) whose worker stopped renewing its lease", requeued);
            }
            nextExpiredScan = now.plus(EXPIRED_LEASE_SCAN);
        }
        if (!now.isBefore(nextCountRefresh)) {
            metrics.statusCounts(store.countByModelAndStatus(), catalog.names());
            nextCountRefresh = now.plus(COUNT_REFRESH);
        }
        if (!now.isBefore(nextRetentionScan)) {
            int deleted = store.deleteFinishedBefore(now.minus(retention));
            if (deleted > 0) {
                LOG.infof("deleted %d job(s) finished more than %s ago", deleted, retention);
            }
            nextRetentionScan = now.plus(RETENTION_SCAN);
        }
    }

    private void start(ClaimedJob job) {
        if (job.attempt() > settings.maxAttempts()) {
            // Only leases lost to crashes get here: every other failure is counted before re-queueing.
            finish(job, JobStatus.FAILED, null, "gave up after " + settings.maxAttempts()
                    + " attempts: the gateway running it stopped each time");
            return;
        }
        if (job.attempt() == 1) {
            metrics.dispatched(job.model(), Duration.between(job.createdAt(), Instant.now()));
        }
        running(job.model()).incrementAndGet();
        Attempt attempt = new Attempt(job);
        attempts.put(job.id(), attempt);
        Duration timeout = Duration.ofMillis(job.timeoutMillis());
        attempt.call = models.infer(job.model(), job.request().getBytes(StandardCharsets.UTF_8), timeout)
                .emitOn(completions)
                .subscribe().with(reply -> attempt.settle(() -> answered(job, reply)),
                        failure -> attempt.settle(() -> unanswered(job, failure, timeout)));
    }

    private void answered(ClaimedJob job, ModelReply reply) {
        if (reply.ok()) {
            if (reply.body().length > maxResultBytes) {
                finish(job, JobStatus.FAILED, null, "the model's result of " + reply.body().length
                        + " bytes is over the limit of " + maxResultBytes + " bytes (gateway.max-result-size)");
            } else {
                finish(job, JobStatus.SUCCEEDED, new String(reply.body(), StandardCharsets.UTF_8), null);
            }
            return;
        }
        String error = "model answered HTTP " + reply.status() + ": " + snippet(reply.body());
        if (reply.status() >= 500 || reply.status() == 429 || reply.status() == 408) {
            retryOrFail(job, error);
        } else {
            finish(job, JobStatus.FAILED, null, error);
        }
    }

    private void unanswered(ClaimedJob job, Throwable failure, Duration timeout) {
        if (failure instanceof ModelUnreachable unreachable && unreachable.timedOut()) {
            finish(job, JobStatus.FAILED, null, "the model did not answer within " + timeout.toSeconds()
                    + " s (the job's timeout)");
        } else {
            retryOrFail(job, String.valueOf(failure.getMessage()));
        }
    }

    private void retryOrFail(ClaimedJob job, String error) {
        if (job.attempt() >= settings.maxAttempts()) {
            finish(job, JobStatus.FAILED, null, "gave up after " + job.attempt() + " attempts: " + error);
            return;
        }
        Instant now = Instant.now();
        if (store.retryLater(job, error, now.plus(backoff.after(job.attempt())), now)) {
            metrics.retried(job.model());
        }
    }

    private void finish(ClaimedJob job, JobStatus status, String result, String error) {
        Instant now = Instant.now();
        boolean recorded = status == JobStatus.SUCCEEDED ? store.succeed(job, result, now)
                : store.fail(job, error, now);
        if (recorded) {
            metrics.finished(job.model(), status, Duration.between(job.createdAt(), now));
        }
    }

    private AtomicInteger running(String model) {
        return inFlight.computeIfAbsent(model, m -> new AtomicInteger());
    }

    private static String snippet(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).strip();
        return text.length() <= MAX_ERROR_BODY ? text : text.substring(0, MAX_ERROR_BODY) + "...";
    }

    private static java.util.concurrent.ThreadFactory named(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** One call of one job; settled exactly once, by its answer or by being abandoned. */
    private final class Attempt {
        private final ClaimedJob job;
        private final AtomicBoolean settled = new AtomicBoolean();
        private volatile Cancellable call;

        Attempt(ClaimedJob job) {
            this.job = job;
        }

        void settle(Runnable outcome) {
            if (!settled.compareAndSet(false, true)) {
                return;
            }
            try {
                outcome.run();
            } catch (RuntimeException e) {
                // The lease runs out and another attempt is made: at least once, never lost.
                LOG.warnf("could not record the outcome of job %s: %s", job.id(), e.getMessage());
            } finally {
                release();
            }
        }

        void abandon() {
            if (settled.compareAndSet(false, true)) {
                Cancellable current = call;
                if (current != null) {
                    current.cancel();
                }
                release();
            }
        }

        private void release() {
            attempts.remove(job.id(), this);
            running(job.model()).decrementAndGet();
            wake();
        }
    }
}
