package io.slipway.deploy.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDeployStoreTest extends DeployStoreContract {

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);
    private DeployStore store;

    @BeforeEach
    void open() {
        store = new FileDeployStore(dir, json);
    }

    @Override
    protected DeployStore store() {
        return store;
    }

    @Override
    protected DeployStore reopen() {
        return new FileDeployStore(dir, json);
    }

    @Test
    void leavesNoTempFilesAndSkipsDamagedRecords() throws Exception {
        store.save(deploy("d-1", "a", java.time.Instant.now()));
        Files.writeString(dir.resolve("d-2.json"), "{ half a rec");
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count());
        }
        assertEquals(1, reopen().list(Optional.empty()).size());
    }
}
