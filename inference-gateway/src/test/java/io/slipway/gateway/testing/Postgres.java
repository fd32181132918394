package io.slipway.gateway.testing;

import io.slipway.testsupport.Ports;
import io.slipway.testsupport.Part;
import io.slipway.testsupport.Processes;
import io.slipway.testsupport.Requirements;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A private PostgreSQL 15 cluster (the Debian package) in a temp dir on a free 127.0.0.1 port. PostgreSQL
 * refuses to run as root, so as root it runs as the {@code postgres} user.
 */
public final class Postgres implements AutoCloseable {

    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

    private final Path dir;
    private final int port;

    private Postgres(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    public static Postgres start() {
        Requirements.require(Part.POSTGRESQL);
        try {
            Path dir = Files.createTempDirectory("slipway-t-gateway-pg-");
            boolean root = "root".equals(System.getProperty("user.name"));
            if (root) {
                run(List.of("chown", "postgres:postgres", dir.toString()), false);
            }
            int port = Ports.freePort();
            Path data = dir.resolve("data");
            run(List.of(BIN.resolve("initdb").toString(), "-D", data.toString(), "-U", "slipway", "-A", "trust",
                    "--no-sync", "-E", "UTF8"), root);
            run(List.of(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("pg.log").toString(),
                    "-w", "-t", "60", "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 "
                            + "-c max_connections=200", "start"), root);
            Postgres postgres = new Postgres(dir, port);
            try (Connection connection = DriverManager.getConnection(postgres.adminUrl(), "slipway", "")) {
                connection.createStatement().execute("CREATE DATABASE jobs");
            }
            return postgres;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new AssertionError("PostgreSQL did not take a connection", e);
        }
    }

    public String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/jobs";
    }

    public String user() {
        return "slipway";
    }

    /** Drops and recreates the jobs database (a fresh store). */
    public void reset() {
        try (Connection connection = DriverManager.getConnection(adminUrl(), "slipway", "")) {
            connection.createStatement().execute("DROP DATABASE IF EXISTS jobs WITH (FORCE)");
            connection.createStatement().execute("CREATE DATABASE jobs");
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private String adminUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    @Override
    public void close() {
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            run(List.of(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate",
                    "-w", "stop"), root);
        } catch (AssertionError e) {
            // already stopped
        }
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }

    private static void run(List<String> command, boolean asPostgres) {
        List<String> full = new ArrayList<>();
        if (asPostgres) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Processes.command(full).timeout(Duration.ofSeconds(90)).check();
    }
}
