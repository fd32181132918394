package io.slipway.mirror.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.slipway.mirror.config.MirrorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Job records as one JSON file per job in a directory next to the mirror's data ({@code mirror.jobs.dir}), written by
 * write-temp, sync, rename so that a crash leaves the old record or the new one, never half of one.
 */
@ApplicationScoped
public class JobRecords {

    private static final Pattern ID = Pattern.compile("[0-9a-f-]{36}");

    private final Path dir;
    private final ObjectMapper json;

    public JobRecords(MirrorConfig config, ObjectMapper json) {
        this.dir = Path.of(config.jobs().dir().orElse(config.storage().root() + "/mirror-jobs"));
        this.json = json;
    }

    public void write(MirrorJobView job) {
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, job.id(), ".tmp");
            try (var out = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                out.write(java.nio.ByteBuffer.wrap(json.writeValueAsBytes(job)));
                out.force(true);
            }
            Files.move(tmp, file(job.id()), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the record of mirror job " + job.id() + " in " + dir, e);
        }
    }

    public Optional<MirrorJobView> read(String id) {
        if (!ID.matcher(id).matches() || !Files.isRegularFile(file(id))) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(file(id).toFile(), MirrorJobView.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the record of mirror job " + id, e);
        }
    }

    /** The newest {@code limit} records, newest first. */
    public List<MirrorJobView> list(int limit) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> read(n.substring(0, n.length() - 5))).flatMap(Optional::stream)
                    .sorted(Comparator.comparing(MirrorJobView::created).reversed()).limit(limit).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path file(String id) {
        return dir.resolve(id + ".json");
    }
}
