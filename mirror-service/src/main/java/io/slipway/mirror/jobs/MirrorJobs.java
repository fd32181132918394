package io.slipway.mirror.jobs;

import io.quarkus.runtime.StartupEvent;
import io.slipway.mirror.config.MirrorConfig;
import io.slipway.mirror.registry.Digest;
import io.slipway.mirror.registry.ErrorCode;
import io.slipway.mirror.registry.RegistryException;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import io.smallrye.mutiny.Multi;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * Runs mirror jobs one after another (a job's blobs in parallel), and keeps each as a record: written when it is
 * queued, starts, finishes an image and ends. A job the mirror was running when it stopped is recorded as failed
 * at the next start (submitting it again copies only what is missing).
 */
@ApplicationScoped
public class MirrorJobs {

    private static final Logger LOG = Logger.getLogger(MirrorJobs.class);

    private final Sources sources;
    private final Destinations destinations;
    private final JobRecords records;
    private final Retry retry;
    private final ExecutorService runner = Executors.newSingleThreadExecutor(r -> thread(r, "mirror-job"));
    private final ExecutorService blobPool;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            r -> thread(r, "mirror-job-events"));
    private final Map<String, MirrorJob> live = new ConcurrentHashMap<>();

    public MirrorJobs(Sources sources, Destinations destinations, JobRecords records, MirrorConfig config) {
        this.sources = sources;
        this.destinations = destinations;
        this.records = records;
        this.retry = new Retry(config.jobs().attempts(), config.jobs().backoff());
        this.blobPool = Executors.newFixedThreadPool(Math.max(1, config.jobs().parallelBlobs()),
                r -> thread(r, "mirror-job-blob"));
    }

    void interruptedJobsFailed(@Observes StartupEvent start) {
        for (MirrorJobView v : records.list(Integer.MAX_VALUE)) {
            if (!v.done()) {
                records.write(new MirrorJobView(v.id(), "failed", v.created(), v.started(), Instant.now(),
                        v.destination(), v.images(), v.references(), "interrupted: the mirror stopped during the job"));
            }
        }
    }

    /** Queues a checked plan; returns the job as it is now (queued). */
    public MirrorJobView submit(MirrorPlan plan, String mirrorHost) {
        MirrorJob job = new MirrorJob(UUID.randomUUID().toString(), plan, mirrorHost);
        live.put(job.id, job);
        MirrorJobView queued = job.view();
        records.write(queued);
        runner.submit(() -> run(job));
        return queued;
    }

    public Optional<MirrorJobView> get(String id) {
        MirrorJob job = live.get(id);
        return job != null ? Optional.of(job.view()) : records.read(id);
    }

    public MirrorJobView require(String id) {
        return get(id).orElseThrow(() -> ErrorCode.MIRROR_JOB_UNKNOWN.exception("no mirror job " + id));
    }

    /** The job now, then after each change (looked at every {@code poll}), ending with the finished job. */
    public Multi<MirrorJobView> follow(String id, Duration poll) {
        return Multi.createFrom().emitter(emitter -> {
            AtomicReference<MirrorJobView> last = new AtomicReference<>();
            ScheduledFuture<?> ticks = ticker.scheduleWithFixedDelay(() -> {
                try {
                    MirrorJobView now = require(id);
                    if (!now.equals(last.getAndSet(now))) {
                        emitter.emit(now);
                    }
                    if (now.done()) {
                        emitter.complete();
                        throw new CancellationException("finished"); // ends the schedule
                    }
                } catch (CancellationException e) {
                    throw e;
                } catch (RuntimeException e) {
                    emitter.fail(e);
                    throw e;
                }
            }, 0, poll.toMillis(), TimeUnit.MILLISECONDS);
            emitter.onTermination(() -> ticks.cancel(false));
        });
    }

    /** The newest jobs, running ones as they are now (their records lag behind by up to one image). */
    public List<MirrorJobView> list(int limit) {
        return records.list(limit).stream()
                .map(v -> Optional.ofNullable(live.get(v.id())).map(MirrorJob::view).orElse(v)).toList();
    }

    private void run(MirrorJob job) {
        job.start();
        records.write(job.view());
        String failure = null;
        try {
            Destination destination = retry.run(() -> destinations.open(job.plan.target(), job.mirrorHost), () -> { });
            Map<Digest, String> placed = new ConcurrentHashMap<>();
            List<ImageName> images = job.plan.images();
            List<String> failed = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                ImageProgress progress = job.images.get(i);
                try {
                    progress.done(new ImageCopy(images.get(i), sources.forRegistry(images.get(i).registry()),
                            destination, job.plan, progress, retry, blobPool, placed).run());
                } catch (Exception e) {
                    progress.failed(reason(e));
                    failed.add(images.get(i).toString());
                    LOG.warnf("mirror job %s: %s failed: %s", job.id, images.get(i), reason(e));
                }
                records.write(job.view());
            }
            if (!failed.isEmpty()) {
                failure = failed.size() + " of " + images.size() + " images failed: " + String.join(", ", failed);
            }
        } catch (Exception e) {
            failure = "destination: " + reason(e);
            LOG.warnf("mirror job %s failed: %s", job.id, failure);
        }
        job.finish(failure);
        records.write(job.view());
        live.remove(job.id);
    }

    static String reason(Exception e) {
        if (e instanceof RegistryException r) {
            return r.code().name() + (r.detail() == null ? "" : ": " + r.detail());
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    @PreDestroy
    void stop() {
        runner.shutdownNow();
        ticker.shutdownNow();
        blobPool.shutdownNow();
    }

    private static Thread thread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
