package io.slipway.gateway.events;

import io.slipway.gateway.config.GatewayConfig;
import io.slipway.gateway.job.Job;
import io.slipway.gateway.job.JobView;
import io.slipway.gateway.store.JobStore;
import io.slipway.gateway.store.StoreException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * A job's changes as a stream, until it is finished. It watches the job store, not this process's dispatcher, so a
 * client sees the job run on whichever gateway replica claimed it; a poll is one primary-key read.
 */
@ApplicationScoped
public class JobEvents {

    private static final Logger LOG = Logger.getLogger(JobEvents.class);

    private final JobStore store;
    private final Duration interval;

    public JobEvents(JobStore store, GatewayConfig config) {
        this.store = store;
        this.interval = config.eventsInterval();
    }

    /**
     * The job now, then each time it changes (status, attempts, webhook state); completes after the view with a
     * finished status, or when the job disappears (expired). A store outage delays events, it does not end them.
     */
    public Multi<JobView> follow(String id, String base) {
        return Multi.createFrom().emitter(emitter -> {
            AtomicReference<JobView> last = new AtomicReference<>();
            ScheduledFuture<?> poll = Infrastructure.getDefaultWorkerPool().scheduleWithFixedDelay(() -> {
                if (emitter.isCancelled()) {
                    return;
                }
                try {
                    Optional<Job> job = store.find(id);
                    if (job.isEmpty()) {
                        emitter.complete();
                        return;
                    }
                    JobView view = JobView.of(job.get(), base);
                    if (!view.equals(last.getAndSet(view))) {
                        emitter.emit(view);
                    }
                    if (job.get().status().finished()) {
                        emitter.complete();
                    }
                } catch (StoreException e) {
                    LOG.debugf("events of job %s wait for the store: %s", id, e.getMessage());
                }
            }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
            emitter.onTermination(() -> poll.cancel(false));
        });
    }
}
