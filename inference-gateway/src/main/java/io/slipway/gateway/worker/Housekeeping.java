package io.slipway.gateway.worker;

import io.slipway.gateway.metrics.JobMetrics;
import io.slipway.gateway.model.ModelCatalog;
import io.slipway.gateway.store.JobStore;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * The dispatcher's chores besides running jobs, each on its own schedule: renewing this instance's leases,
 * re-queueing jobs whose worker stopped renewing theirs, refreshing the job-count gauges, and deleting jobs past
 * their retention. Called from the dispatcher's loop; not thread-safe.
 */
final class Housekeeping {

    private static final Logger LOG = Logger.getLogger(Housekeeping.class);
    private static final Duration EXPIRED_LEASE_SCAN = Duration.ofSeconds(1);
    private static final Duration COUNT_REFRESH = Duration.ofSeconds(5);
    private static final Duration RETENTION_SCAN = Duration.ofMinutes(1);

    private final JobStore store;
    private final JobMetrics metrics;
    private final ModelCatalog catalog;
    private final String owner;
    private final Duration lease;
    private final Duration retention;
    private Instant nextLeaseRenewal = Instant.EPOCH;
    private Instant nextExpiredScan = Instant.EPOCH;
    private Instant nextCountRefresh = Instant.EPOCH;
    private Instant nextRetentionScan = Instant.EPOCH;

    Housekeeping(JobStore store, JobMetrics metrics, ModelCatalog catalog, String owner, Duration lease,
            Duration retention) {
        this.store = store;
        this.metrics = metrics;
        this.catalog = catalog;
        this.owner = owner;
        this.lease = lease;
        this.retention = retention;
    }

    void run(Instant now) {
        if (!now.isBefore(nextLeaseRenewal)) {
            store.renewLeases(owner, now.plus(lease));
            nextLeaseRenewal = now.plus(lease.dividedBy(3));
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
}
