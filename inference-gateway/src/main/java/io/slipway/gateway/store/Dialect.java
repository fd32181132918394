package io.slipway.gateway.store;

/** The two databases differ in driver, large text type and insert-if-absent. */
enum Dialect {
    // Only this process writes an embedded store, one batch at a time: NOT EXISTS cannot race there.
    H2("VARCHAR(1000000000)", org.h2.Driver.class, Dialect.INSERT_COLUMNS
            + "SELECT ?, ?, 'queued', ?, ?, 0, ?, ?, 0, ?, ?, ? FROM DUAL "
            + "WHERE NOT EXISTS (SELECT 1 FROM gateway_jobs WHERE id = ?)"),
    POSTGRESQL("TEXT", org.postgresql.Driver.class, Dialect.INSERT_COLUMNS
            + "VALUES (?, ?, 'queued', ?, ?, 0, ?, ?, 0, ?, ?, ?) ON CONFLICT (id) DO NOTHING");

    private static final String INSERT_COLUMNS = "INSERT INTO gateway_jobs (id, model, status, request_hash, "
            + "request_body, attempts, timeout_ms, webhook_url, webhook_attempts, created_at, updated_at, "
            + "next_attempt_at) ";

    /** The column type of request and result bodies (the {@code largeText} placeholder of the migrations). */
    final String largeText;
    final Class<?> driver;
    final String insertIfAbsent;

    Dialect(String largeText, Class<?> driver, String insertIfAbsent) {
        this.largeText = largeText;
        this.driver = driver;
        this.insertIfAbsent = insertIfAbsent;
    }

    /**
     * H2 writes commits to its file from a background thread every 500 ms by default, so a kill -9 loses the
     * last commits (jobs already answered 202). WRITE_DELAY=0 writes each commit before it returns.
     */
    String durable(String url) {
        if (this != H2) {
            return url;
        }
        String upper = url.toUpperCase(java.util.Locale.ROOT);
        if (upper.contains("WRITE_DELAY")) {
            if (!upper.contains("WRITE_DELAY=0;") && !upper.endsWith("WRITE_DELAY=0")) {
                throw new IllegalArgumentException("gateway.store.url: an embedded store needs WRITE_DELAY=0 "
                        + "(or none): any delay loses accepted jobs when the process is killed");
            }
            return url;
        }
        return url + ";WRITE_DELAY=0";
    }

    static Dialect of(String url) {
        if (url.startsWith("jdbc:h2:")) {
            return H2;
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        throw new IllegalArgumentException("gateway.store.url must start with jdbc:h2: (embedded) or "
                + "jdbc:postgresql: (shared), got " + Jdbc.redact(url));
    }
}
