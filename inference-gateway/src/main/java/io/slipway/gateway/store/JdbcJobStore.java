package io.slipway.gateway.store;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import io.slipway.gateway.job.ClaimedJob;
import io.slipway.gateway.job.Job;
import io.slipway.gateway.job.JobCursor;
import io.slipway.gateway.job.JobPage;
import io.slipway.gateway.job.JobQuery;
import io.slipway.gateway.job.JobStatus;
import io.slipway.gateway.job.NewJob;
import io.slipway.gateway.job.WebhookDelivery;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * {@link JobStore} on JDBC: an embedded H2 file (one gateway) or PostgreSQL (several replicas, which claim work
 * with {@code SELECT ... FOR UPDATE SKIP LOCKED}). Times are stored as epoch milliseconds.
 */
public final class JdbcJobStore implements JobStore {

    private static final String JOB_COLUMNS = "id, model, status, attempts, error, timeout_ms, webhook_url, "
            + "webhook_state, created_at, updated_at, started_at, finished_at";
    private static final String FINISH_WEBHOOK = "webhook_state = CASE WHEN webhook_url IS NULL THEN NULL "
            + "ELSE 'pending' END, webhook_next_at = ?";
    private static final String NO_LEASE = "lease_owner = NULL, lease_token = NULL, lease_until = NULL";
    /** The width of the error column (migration V1). */
    private static final int MAX_ERROR_LENGTH = 4000;

    private final Jdbc jdbc;
    private final Dialect dialect;
    private final String url;
    private final GroupCommit groupCommit;

    private JdbcJobStore(Jdbc jdbc, Dialect dialect, String url) {
        this.jdbc = jdbc;
        this.dialect = dialect;
        this.url = url;
        this.groupCommit = new GroupCommit(this::insertAll);
    }

    /** Opens (and on first use creates) the store at a {@code jdbc:h2:} or {@code jdbc:postgresql:} URL. */
    public static JdbcJobStore open(String configuredUrl, Optional<String> username, Optional<String> password,
            int poolSize) {
        Dialect dialect = Dialect.of(configuredUrl);
        String url = dialect.durable(configuredUrl);
        AgroalDataSource dataSource;
        try {
            dataSource = AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier()
                    .connectionPoolConfiguration(pool -> pool
                            .minSize(0)
                            .initialSize(1)
                            .maxSize(poolSize)
                            .acquisitionTimeout(Duration.ofSeconds(10))
                            .validationTimeout(Duration.ofSeconds(30))
                            .connectionFactoryConfiguration(factory -> {
                                // The driver class is named, not looked up in DriverManager, which only finds
                                // drivers of the class loader that first registered them.
                                factory.jdbcUrl(url).autoCommit(true).connectionProviderClass(dialect.driver);
                                username.ifPresent(u -> factory.principal(new NamePrincipal(u)));
                                password.ifPresent(p -> factory.credential(new SimplePassword(p)));
                                return factory;
                            })));
        } catch (SQLException e) {
            throw new StoreException("cannot open job store " + Jdbc.redact(url) + ": " + e.getMessage(), e);
        }
        JdbcJobStore store = new JdbcJobStore(new Jdbc(dataSource, url), dialect, url);
        try {
            store.migrate();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    /**
     * Brings the schema to the newest version of {@code db/gateway/V*.sql}. Flyway takes a lock first (on
     * PostgreSQL an advisory lock), so replicas starting together migrate once; a store made before migrations
     * existed is baselined at version 0, and V1 (IF NOT EXISTS throughout) then finds everything in place.
     */
    private void migrate() {
        try {
            Flyway.configure(JdbcJobStore.class.getClassLoader())
                    .dataSource(jdbc.dataSource())
                    .locations("classpath:db/gateway")
                    .table("gateway_schema_history")
                    .placeholders(Map.of("largeText", dialect.largeText))
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw jdbc.failure("migrate its schema", e);
        }
    }

    @Override
    public boolean isOpen() {
        return jdbc.isValid();
    }

    @Override
    public String describe() {
        return Jdbc.redact(url);
    }

    @Override
    public boolean exclusive() {
        return dialect == Dialect.H2 && !url.contains(":tcp:") && !url.toUpperCase().contains("AUTO_SERVER=TRUE");
    }

    @Override
    public Submission submit(NewJob job, Instant now) {
        if (groupCommit.submit(job, now)) {
            return new Submission(new Job(job.id(), job.model(), JobStatus.QUEUED, 0, null, job.timeoutMillis(),
                    job.webhookUrl(), null, now, now, null, null), true, true);
        }
        Job existing = find(job.id()).orElseThrow(() -> new StoreException("job " + job.id()
                + " exists and vanished (retention?)", null));
        String hash = jdbc.query("SELECT request_hash FROM gateway_jobs WHERE id = ?", s -> s.setString(1, job.id()),
                rs -> rs.next() ? rs.getString(1) : "");
        return new Submission(existing, false, job.requestHash().equals(hash));
    }

    /** One transaction for a batch of submissions; an id already stored is left as it is. */
    private boolean[] insertAll(List<NewJob> jobs, List<Instant> times) {
        return jdbc.inTransaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(dialect.insertIfAbsent)) {
                for (int i = 0; i < jobs.size(); i++) {
                    NewJob job = jobs.get(i);
                    long millis = times.get(i).toEpochMilli();
                    insert.setString(1, job.id());
                    insert.setString(2, job.model());
                    insert.setString(3, job.requestHash());
                    insert.setString(4, job.request());
                    insert.setLong(5, job.timeoutMillis());
                    insert.setString(6, job.webhookUrl());
                    insert.setLong(7, millis);
                    insert.setLong(8, millis);
                    insert.setLong(9, millis);
                    if (dialect == Dialect.H2) {
                        insert.setString(10, job.id());
                    }
                    insert.addBatch();
                }
                int[] counts = insert.executeBatch();
                boolean[] created = new boolean[jobs.size()];
                for (int i = 0; i < counts.length; i++) {
                    created[i] = counts[i] > 0;
                }
                return created;
            }
        });
    }

    @Override
    public Optional<Job> find(String id) {
        return jdbc.query("SELECT " + JOB_COLUMNS + " FROM gateway_jobs WHERE id = ?", s -> s.setString(1, id),
                rs -> rs.next() ? Optional.of(job(rs)) : Optional.empty());
    }

    @Override
    public Optional<String> result(String id) {
        return jdbc.query("SELECT result_body FROM gateway_jobs WHERE id = ? AND status = 'succeeded'",
                s -> s.setString(1, id), rs -> rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty());
    }

    @Override
    public JobPage list(JobQuery q) {
        StringBuilder sql = new StringBuilder("SELECT " + JOB_COLUMNS + " FROM gateway_jobs WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        q.model().ifPresent(m -> {
            sql.append(" AND model = ?");
            args.add(m);
        });
        q.status().ifPresent(s -> {
            sql.append(" AND status = ?");
            args.add(s.wire());
        });
        q.after().ifPresent(c -> {
            sql.append(" AND (created_at < ? OR (created_at = ? AND id < ?))");
            args.add(c.createdAtMillis());
            args.add(c.createdAtMillis());
            args.add(c.id());
        });
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
        args.add(q.limit() + 1);
        List<Job> jobs = jdbc.query(sql.toString(), s -> Jdbc.bind(s, args), rs -> {
            List<Job> found = new ArrayList<>();
            while (rs.next()) {
                found.add(job(rs));
            }
            return found;
        });
        if (jobs.size() <= q.limit()) {
            return new JobPage(jobs, Optional.empty());
        }
        Job last = jobs.get(q.limit() - 1);
        return new JobPage(jobs.subList(0, q.limit()),
                Optional.of(new JobCursor(last.createdAt().toEpochMilli(), last.id())));
    }

    @Override
    public Optional<Job> cancel(String id, Instant now) {
        long millis = now.toEpochMilli();
        jdbc.update("UPDATE gateway_jobs SET status = 'canceled', error = 'canceled by the client', finished_at = ?, "
                + "updated_at = ?, " + NO_LEASE + ", " + FINISH_WEBHOOK
                + " WHERE id = ? AND status IN ('queued', 'running')", millis, millis, millis, id);
        return find(id);
    }

    @Override
    public Map<String, Long> queuedByModel() {
        return jdbc.query("SELECT model, COUNT(*) FROM gateway_jobs WHERE status = 'queued' GROUP BY model", s -> { },
                rs -> {
                    Map<String, Long> depths = new HashMap<>();
                    while (rs.next()) {
                        depths.put(rs.getString(1), rs.getLong(2));
                    }
                    return depths;
                });
    }

    @Override
    public Map<String, Map<JobStatus, Long>> countByModelAndStatus() {
        return jdbc.query("SELECT model, status, COUNT(*) FROM gateway_jobs GROUP BY model, status", s -> { }, rs -> {
            Map<String, Map<JobStatus, Long>> counts = new HashMap<>();
            while (rs.next()) {
                JobStatus status = JobStatus.parse(rs.getString(2)).orElseThrow();
                counts.computeIfAbsent(rs.getString(1), m -> new EnumMap<>(JobStatus.class))
                        .put(status, rs.getLong(3));
            }
            return counts;
        });
    }

    @Override
    public List<ClaimedJob> claim(String model, int max, String owner, Instant now, Duration lease) {
        if (max <= 0) {
            return List.of();
        }
        long millis = now.toEpochMilli();
        return jdbc.inTransaction(connection -> {
            List<ClaimedJob> claimed = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT id, request_body, attempts, "
                    + "timeout_ms, created_at FROM gateway_jobs WHERE status = 'queued' AND model = ? "
                    + "AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED")) {
                select.setString(1, model);
                select.setLong(2, millis);
                select.setInt(3, max);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        claimed.add(new ClaimedJob(rs.getString(1), model, rs.getString(2), rs.getInt(3) + 1,
                                rs.getLong(4), UUID.randomUUID().toString(), Instant.ofEpochMilli(rs.getLong(5))));
                    }
                }
            }
            if (claimed.isEmpty()) {
                return claimed;
            }
            try (PreparedStatement update = connection.prepareStatement("UPDATE gateway_jobs SET "
                    + "status = 'running', attempts = attempts + 1, lease_owner = ?, lease_token = ?, "
                    + "lease_until = ?, started_at = COALESCE(started_at, ?), updated_at = ? WHERE id = ?")) {
                for (ClaimedJob job : claimed) {
                    update.setString(1, owner);
                    update.setString(2, job.leaseToken());
                    update.setLong(3, millis + lease.toMillis());
                    update.setLong(4, millis);
                    update.setLong(5, millis);
                    update.setString(6, job.id());
                    update.addBatch();
                }
                update.executeBatch();
            }
            return claimed;
        });
    }

    @Override
    public int renewLeases(String owner, Instant until) {
        return jdbc.update("UPDATE gateway_jobs SET lease_until = ? WHERE status = 'running' AND lease_owner = ?",
                until.toEpochMilli(), owner);
    }

    @Override
    public boolean succeed(ClaimedJob job, String result, Instant now) {
        long millis = now.toEpochMilli();
        return jdbc.update("UPDATE gateway_jobs SET status = 'succeeded', result_body = ?, error = NULL, "
                + "finished_at = ?, updated_at = ?, " + NO_LEASE + ", " + FINISH_WEBHOOK
                + " WHERE id = ? AND lease_token = ? AND status = 'running'",
                result, millis, millis, millis, job.id(), job.leaseToken()) == 1;
    }

    @Override
    public boolean fail(ClaimedJob job, String error, Instant now) {
        long millis = now.toEpochMilli();
        return jdbc.update("UPDATE gateway_jobs SET status = 'failed', error = ?, finished_at = ?, updated_at = ?, "
                + NO_LEASE + ", " + FINISH_WEBHOOK + " WHERE id = ? AND lease_token = ? AND status = 'running'",
                truncate(error), millis, millis, millis, job.id(), job.leaseToken()) == 1;
    }

    @Override
    public boolean retryLater(ClaimedJob job, String error, Instant at, Instant now) {
        return jdbc.update("UPDATE gateway_jobs SET status = 'queued', error = ?, next_attempt_at = ?, updated_at = ?, "
                + NO_LEASE + " WHERE id = ? AND lease_token = ? AND status = 'running'",
                truncate(error), at.toEpochMilli(), now.toEpochMilli(), job.id(), job.leaseToken()) == 1;
    }

    @Override
    public int requeueExpiredLeases(Instant now) {
        long millis = now.toEpochMilli();
        return jdbc.update("UPDATE gateway_jobs SET status = 'queued', next_attempt_at = ?, updated_at = ?, " + NO_LEASE
                + " WHERE status = 'running' AND lease_until < ?", millis, millis, millis);
    }

    @Override
    public int releaseOwner(String owner, Instant now) {
        long millis = now.toEpochMilli();
        // The interrupted attempt was this instance's doing, not the job's: it does not count.
        return jdbc.update("UPDATE gateway_jobs SET status = 'queued', attempts = attempts - 1, next_attempt_at = ?, "
                + "updated_at = ?, " + NO_LEASE + " WHERE status = 'running' AND lease_owner = ?",
                millis, millis, owner);
    }

    @Override
    public int requeueAllRunning(Instant now) {
        long millis = now.toEpochMilli();
        return jdbc.update("UPDATE gateway_jobs SET status = 'queued', next_attempt_at = ?, updated_at = ?, " + NO_LEASE
                + " WHERE status = 'running'", millis, millis);
    }

    @Override
    public int deleteFinishedBefore(Instant cutoff) {
        return jdbc.update("DELETE FROM gateway_jobs WHERE status IN ('succeeded', 'failed', 'canceled') "
                + "AND finished_at < ? AND (webhook_state IS NULL OR webhook_state <> 'pending')",
                cutoff.toEpochMilli());
    }

    @Override
    public List<WebhookDelivery> claimWebhooks(Instant now, int max, Duration hold) {
        long millis = now.toEpochMilli();
        return jdbc.inTransaction(connection -> {
            List<WebhookDelivery> due = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT " + JOB_COLUMNS
                    + ", webhook_attempts FROM gateway_jobs WHERE webhook_state = 'pending' AND webhook_next_at <= ? "
                    + "ORDER BY webhook_next_at, id LIMIT ? FOR UPDATE SKIP LOCKED")) {
                select.setLong(1, millis);
                select.setInt(2, max);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        due.add(new WebhookDelivery(job(rs), rs.getInt(13) + 1));
                    }
                }
            }
            try (PreparedStatement update = connection.prepareStatement("UPDATE gateway_jobs SET "
                    + "webhook_attempts = webhook_attempts + 1, webhook_next_at = ? WHERE id = ?")) {
                for (WebhookDelivery delivery : due) {
                    update.setLong(1, millis + hold.toMillis());
                    update.setString(2, delivery.job().id());
                    update.addBatch();
                }
                if (!due.isEmpty()) {
                    update.executeBatch();
                }
            }
            return due;
        });
    }

    @Override
    public void webhookDelivered(String id) {
        jdbc.update("UPDATE gateway_jobs SET webhook_state = 'delivered', webhook_next_at = NULL WHERE id = ?", id);
    }

    @Override
    public void webhookRetry(String id, Instant at) {
        jdbc.update("UPDATE gateway_jobs SET webhook_next_at = ? WHERE id = ? AND webhook_state = 'pending'",
                at.toEpochMilli(), id);
    }

    @Override
    public void webhookFailed(String id) {
        jdbc.update("UPDATE gateway_jobs SET webhook_state = 'failed', webhook_next_at = NULL WHERE id = ?", id);
    }

    @Override
    public void close() {
        groupCommit.close();
        jdbc.close();
    }

    private static Job job(ResultSet rs) throws SQLException {
        return new Job(rs.getString(1), rs.getString(2), JobStatus.parse(rs.getString(3)).orElseThrow(),
                rs.getInt(4), rs.getString(5), rs.getLong(6), rs.getString(7), rs.getString(8),
                instant(rs, 9), instant(rs, 10), instant(rs, 11), instant(rs, 12));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
    }

    private static String truncate(String error) {
        return error == null || error.length() <= MAX_ERROR_LENGTH ? error : error.substring(0, MAX_ERROR_LENGTH);
    }

}
