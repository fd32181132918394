package io.slipway.deploy.state;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * {@link DeployStore} as one JSON file per deploy ({@code <dir>/<id>.json}, replaced atomically on each save), read
 * back into memory on start.
 */
public class FileDeployStore implements DeployStore {

    private static final Logger LOG = Logger.getLogger(FileDeployStore.class);

    private final Path dir;
    private final ObjectMapper json;
    private final Map<String, Deploy> deploys = new ConcurrentHashMap<>();

    public FileDeployStore(Path dir, ObjectMapper json) {
        this.dir = dir;
        this.json = json;
        load();
    }

    @Override
    public synchronized void save(Deploy deploy) {
        try {
            AtomicFile.write(dir.resolve(deploy.id() + ".json"), json.writeValueAsBytes(deploy));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save deploy " + deploy.id() + " in " + dir, e);
        }
        deploys.put(deploy.id(), deploy);
    }

    @Override
    public Optional<Deploy> find(String id) {
        return Optional.ofNullable(deploys.get(id));
    }

    @Override
    public List<Deploy> list(Optional<String> service) {
        return deploys.values().stream()
                .filter(d -> service.isEmpty() || service.get().equals(d.service()))
                .sorted(Comparator.comparing(Deploy::createdAt).thenComparing(Deploy::id).reversed())
                .toList();
    }

    private void load() {
        try {
            Files.createDirectories(dir);
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(f -> f.getFileName().toString().endsWith(".json")).forEach(this::loadOne);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the deploy history in " + dir, e);
        }
    }

    private void loadOne(Path file) {
        try {
            Deploy deploy = json.readValue(file.toFile(), Deploy.class);
            deploys.put(deploy.id(), deploy);
        } catch (IOException e) {
            // Files are replaced atomically, so this is damage from outside: keep going without that record.
            LOG.warnf("skipping unreadable deploy record %s: %s", file, e.getMessage());
        }
    }
}
