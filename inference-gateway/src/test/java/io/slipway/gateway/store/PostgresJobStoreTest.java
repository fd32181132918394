package io.slipway.gateway.store;

import io.slipway.gateway.testing.Postgres;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The store contract on a real PostgreSQL 15 started for this class (a fresh database per test). */
class PostgresJobStoreTest extends JobStoreContract {

    private static Postgres postgres;

    @BeforeAll
    static void startPostgres() {
        postgres = Postgres.start();
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    JobStore openStore() {
        postgres.reset();
        return JdbcJobStore.open(postgres.url(), Optional.of(postgres.user()), Optional.empty(), 16);
    }

    @Override
    boolean expectExclusive() {
        return false;
    }
}
