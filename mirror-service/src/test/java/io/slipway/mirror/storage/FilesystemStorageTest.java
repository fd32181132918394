package io.slipway.mirror.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slipway.mirror.storage.fs.FilesystemStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesystemStorageTest extends StorageContract {

    @TempDir
    Path root;

    @Override
    protected Storage storage() {
        return new FilesystemStorage(root);
    }

    @Test
    void unfinishedWritesOfACrashedProcessAreSweptAtStart() throws Exception {
        Files.createDirectories(root.resolve(".tmp"));
        Files.write(root.resolve(".tmp/left-by-a-crash"), new byte[1000]);
        FilesystemStorage fresh = new FilesystemStorage(root);
        fresh.sweepTemp();
        assertEquals(0, Files.list(root.resolve(".tmp")).count());
    }

    @Test
    void spoolHoldsTheBytesWrittenSoFar() throws Exception {
        try (StorageWriter w = storage().writer("s/blob")) {
            w.stream().write(new byte[] {1, 2, 3});
            assertEquals(3, Files.size(w.spool().orElseThrow()));
        }
    }
}
