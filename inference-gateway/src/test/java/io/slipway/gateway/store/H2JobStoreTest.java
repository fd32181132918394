package io.slipway.gateway.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The store contract on the embedded H2 file store (a fresh database file per test). */
class H2JobStoreTest extends JobStoreContract {

    @Override
    JobStore openStore() {
        try {
            Path dir = Files.createTempDirectory(Path.of("target"), "h2-contract-");
            return JdbcJobStore.open("jdbc:h2:file:" + dir.toAbsolutePath() + "/jobs", Optional.empty(),
                    Optional.empty(), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    boolean expectExclusive() {
        return true;
    }
}
