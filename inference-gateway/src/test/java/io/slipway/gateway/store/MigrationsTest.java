package io.slipway.gateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slipway.gateway.job.NewJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The schema comes from versioned migrations, and a store made before they existed keeps its jobs. */
class MigrationsTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void aStoreFromBeforeMigrationsIsBaselinedAndKeepsItsJobs() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "h2-migrations-");
        String url = "jdbc:h2:file:" + dir.toAbsolutePath() + "/jobs";
        try (JobStore store = JdbcJobStore.open(url, Optional.empty(), Optional.empty(), 2)) {
            store.submit(new NewJob("old-job", "m1", "{}", "h", 1000, null), T0);
        }
        assertEquals(List.of("1"), versions(url));
        // What an older gateway left behind: the jobs table, no migration history.
        try (Connection connection = DriverManager.getConnection(url);
                Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE \"gateway_schema_history\"");
        }
        try (JobStore store = JdbcJobStore.open(url, Optional.empty(), Optional.empty(), 2)) {
            assertTrue(store.find("old-job").isPresent(), "the job survived the upgrade");
        }
        assertEquals(List.of("0", "1"), versions(url), "baselined at 0, then V1 (a no-op here)");
        try (JobStore store = JdbcJobStore.open(url, Optional.empty(), Optional.empty(), 2)) {
            assertTrue(store.find("old-job").isPresent());
        }
        assertEquals(List.of("0", "1"), versions(url), "opening again migrates nothing");
    }

    private static List<String> versions(String url) throws Exception {
        List<String> versions = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(url);
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT \"version\" FROM \"gateway_schema_history\" "
                        + "WHERE \"success\" AND \"version\" IS NOT NULL ORDER BY \"installed_rank\"")) {
            while (rs.next()) {
                versions.add(rs.getString(1));
            }
        }
        return versions;
    }
}
