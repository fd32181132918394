package io.slipway.mirror.storage;

import io.slipway.mirror.config.MirrorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/** The embedded default: content in a directory tree. */
@ApplicationScoped
public class FilesystemStorage implements Storage {

    private final Path root;

    public FilesystemStorage(MirrorConfig config) {
        this.root = Path.of(config.storage().root());
    }

    @Override
    public void checkWritable() throws IOException {
        Path probeDir = Files.createDirectories(root.resolve("_probe"));
        Path probe = probeDir.resolve(UUID.randomUUID().toString());
        byte[] content = probe.getFileName().toString().getBytes(StandardCharsets.UTF_8);
        try {
            Files.write(probe, content);
            if (!java.util.Arrays.equals(Files.readAllBytes(probe), content)) {
                throw new IOException("read back different bytes from " + probe);
            }
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    @Override
    public String describe() {
        return "filesystem:" + root;
    }
}
