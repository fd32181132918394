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
import io.slipway.gateway.model.ModelUnreachable;
import io.slipway.gateway.retry.Backoff;
import io.slipway.gateway.retry.RetryPolicy;
import io.slipway.gateway.store.JobStore;
import io.slipway.gateway.webhook.WebhookSender;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
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
 * records the outcome {@link RetryPolicy} decides (retry with backoff, succeed or fail); {@link Housekeeping} does
 * the chores in between. Per-model concurrency is a limit per gateway instance. The loop wakes on submissions and
 * completions, and polls otherwise (other replicas' submissions, due retries).
 */
@Startup
@ApplicationScoped
public class Dispatcher {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class);

    private final JobStore store;
    private final ModelClient models;
    private final ModelCatalog catalog;
    private final JobMetrics metrics;
    private final WebhookSender webhooks;
    private final GatewayConfig.Dispatch settings;
    private final RetryPolicy retries;
    private final String owner = "gw-" + UUID.randomUUID().toString().substring(0, 13);
    private final Housekeeping housekeeping;

    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Attempt> attempts = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> acceptedSincePoll = new ConcurrentHashMap<>();
    private volatile Map<String, Long> depths = Map.of();
    private final Semaphore wakeups = new Semaphore(0);
    private final AtomicBoolean stopping = new AtomicBoolean();
    private ExecutorService completions;
    private Thread loop;
    private Instant nextDepthRefresh = Instant.EPOCH;
    private Instant nextWebhookScan = Instant.EPOCH;

    public Dispatcher(JobStore store, ModelClient models, ModelCatalog catalog, JobMetrics metrics,
            WebhookSender webhooks, GatewayConfig config) {
        this.store = store;
        this.models = models;
        this.catalog = catalog;
        this.metrics = metrics;
        this.webhooks = webhooks;
        this.settings = config.dispatch();
        this.retries = new RetryPolicy(settings.maxAttempts(),
                new Backoff(settings.retryBaseDelay(), settings.retryMaxDelay()), config.maxResultSize().asLongValue());
        this.housekeeping = new Housekeeping(store, metrics, catalog, owner, settings.lease(), config.retention());
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
        housekeeping.run(now);
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

    private void start(ClaimedJob job) {
        Optional<RetryPolicy.Outcome> gaveUp = retries.beforeStart(job.attempt());
        if (gaveUp.isPresent()) {
            record(job, gaveUp.get());
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
                .subscribe().with(
                        reply -> attempt.settle(() -> record(job,
                                retries.answered(job.attempt(), reply.status(), reply.body()))),
                        failure -> attempt.settle(() -> record(job, retries.unanswered(job.attempt(),
                                failure instanceof ModelUnreachable unreachable && unreachable.timedOut(),
                                String.valueOf(failure.getMessage()), timeout))));
    }

    private void record(ClaimedJob job, RetryPolicy.Outcome outcome) {
        if (outcome instanceof RetryPolicy.Succeed succeed) {
            finish(job, JobStatus.SUCCEEDED, succeed.result(), null);
        } else if (outcome instanceof RetryPolicy.Fail fail) {
            finish(job, JobStatus.FAILED, null, fail.error());
        } else if (outcome instanceof RetryPolicy.Retry retry) {
            Instant now = Instant.now();
            if (store.retryLater(job, retry.error(), now.plus(retry.delay()), now)) {
                metrics.retried(job.model());
            }
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
