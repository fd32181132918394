package io.slipway.gateway.store;

import io.slipway.gateway.job.ClaimedJob;
import io.slipway.gateway.job.Job;
import io.slipway.gateway.job.JobPage;
import io.slipway.gateway.job.JobQuery;
import io.slipway.gateway.job.JobStatus;
import io.slipway.gateway.job.NewJob;
import io.slipway.gateway.job.WebhookDelivery;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Durable storage of jobs: every method has committed before it returns. Failures are {@link StoreException}.
 * Methods that finish a claimed job only take effect while the caller still holds the job's lease.
 */
public interface JobStore extends AutoCloseable {

    /** True when the store answers a trivial query. */
    boolean isOpen();

    /** Where the store lives, for health reports (no credentials). */
    String describe();

    /** True when this process is the store's only user, so jobs found running at start are orphans. */
    boolean exclusive();

    /** Stores a new job, or returns the job already stored under its id ({@link Submission#created()} false). */
    Submission submit(NewJob job, Instant now);

    Optional<Job> find(String id);

    /** The model's answer of a succeeded job. */
    Optional<String> result(String id);

    JobPage list(JobQuery query);

    /** Cancels a queued or running job; the job as it stands afterwards, empty when unknown. */
    Optional<Job> cancel(String id, Instant now);

    /** Queued jobs per model (models with none are absent). */
    Map<String, Long> queuedByModel();

    /** All stored jobs per model and status, for metrics. */
    Map<String, Map<JobStatus, Long>> countByModelAndStatus();

    /** Takes up to {@code max} due queued jobs of {@code model}, oldest first, under a lease held by {@code owner}. */
    List<ClaimedJob> claim(String model, int max, String owner, Instant now, Duration lease);

    /** Extends the leases of every job {@code owner} holds; returns how many it holds. */
    int renewLeases(String owner, Instant until);

    boolean succeed(ClaimedJob job, String result, Instant now);

    boolean fail(ClaimedJob job, String error, Instant now);

    /** Puts the job back in the queue, due at {@code at}. */
    boolean retryLater(ClaimedJob job, String error, Instant at, Instant now);

    /** Re-queues running jobs whose lease ran out (their worker or replica died). */
    int requeueExpiredLeases(Instant now);

    /** Re-queues the running jobs of {@code owner} (this instance is stopping). */
    int releaseOwner(String owner, Instant now);

    /** Re-queues every running job; only for an {@link #exclusive()} store at start. */
    int requeueAllRunning(Instant now);

    /** Deletes finished jobs (with no webhook still to deliver) finished before {@code cutoff}. */
    int deleteFinishedBefore(Instant cutoff);

    /** Takes up to {@code max} due webhook deliveries, hidden from other workers for {@code hold}. */
    List<WebhookDelivery> claimWebhooks(Instant now, int max, Duration hold);

    void webhookDelivered(String id);

    void webhookRetry(String id, Instant at);

    void webhookFailed(String id);

    @Override
    void close();

    /** Outcome of {@link #submit}: the stored job, whether this call created it, and whether it asked the same. */
    record Submission(Job job, boolean created, boolean sameRequest) {}
}
