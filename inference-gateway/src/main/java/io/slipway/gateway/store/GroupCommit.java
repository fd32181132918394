package io.slipway.gateway.store;

import io.slipway.gateway.job.NewJob;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Group commit of submissions: concurrent submitters wait while one thread writes everything that queued up
 * meanwhile in a single transaction, so a durable commit (an fsync on PostgreSQL) is paid per batch, not per job.
 * Each submitter is answered only after its batch committed; a failed batch fails every submitter in it, and
 * stores none of it.
 */
final class GroupCommit implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GroupCommit.class);
    private static final int MAX_BATCH = 512;
    private static final long WAIT_SECONDS = 30;

    /** Writes one batch in one transaction; returns per job whether it was created (false: the id existed). */
    interface BatchWriter {
        boolean[] write(List<NewJob> jobs, List<Instant> times);
    }

    private record Pending(NewJob job, Instant now, CompletableFuture<Boolean> created) {}

    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final BatchWriter writer;
    private final Thread thread;
    private volatile boolean closed;

    GroupCommit(BatchWriter writer) {
        this.writer = writer;
        this.thread = new Thread(this::run, "gateway-group-commit");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Blocks until the job's batch committed; true when this call created the job. */
    boolean submit(NewJob job, Instant now) {
        if (closed) {
            throw new StoreException("the job store is closed", null);
        }
        Pending pending = new Pending(job, now, new CompletableFuture<>());
        queue.add(pending);
        try {
            return pending.created().get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof StoreException store ? store
                    : new StoreException("could not store job " + job.id() + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            // It may still commit later: the client retries (PUT with its own id is idempotent).
            throw new StoreException("storing job " + job.id() + " took over " + WAIT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while storing job " + job.id(), e);
        }
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (!closed) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                break;
            } finally {
                batch.clear();
            }
        }
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(p -> p.created().completeExceptionally(new StoreException("the job store closed", null)));
    }

    private void write(List<Pending> batch) {
        try {
            boolean[] created = writer.write(batch.stream().map(Pending::job).toList(),
                    batch.stream().map(Pending::now).toList());
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).created().complete(created[i]);
            }
        } catch (RuntimeException e) {
            LOG.warnf("a batch of %d submission(s) was not stored: %s", batch.size(), e.getMessage());
            batch.forEach(p -> p.created().completeExceptionally(e));
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
