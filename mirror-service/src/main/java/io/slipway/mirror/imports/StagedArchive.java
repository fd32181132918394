package io.slipway.mirror.imports;

import io.slipway.mirror.registry.Digest;
import io.slipway.mirror.registry.ErrorCode;
import io.slipway.mirror.registry.ManifestStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The regular files of an archive, each in a file of its own in a staging directory with its SHA-256 and size,
 * computed while it streamed in. Small documents (manifests, configs) are read back from there on demand, so the
 * archive is never held in memory. {@link #close()} deletes the staging directory.
 */
final class StagedArchive implements AutoCloseable {

    /** One file of the archive. */
    record Entry(String name, Path file, Digest sha256, long size) {}

    private final Path directory;
    private final Map<String, Entry> entries;

    StagedArchive(Path directory, Map<String, Entry> entries) {
        this.directory = directory;
        this.entries = entries;
    }

    Optional<Entry> entry(String name) {
        return Optional.ofNullable(entries.get(name));
    }

    /** The file, or MANIFEST_BLOB_UNKNOWN naming what refers to it. */
    Entry require(String name, String whatNamesIt) {
        return entry(name).orElseThrow(() -> ErrorCode.MANIFEST_BLOB_UNKNOWN
                .exception(whatNamesIt + " names " + name + ", which the archive does not contain"));
    }

    /** The file of an OCI layout blob, whose name must be its digest. */
    Optional<Entry> blob(Digest digest) {
        return entry("blobs/" + digest.algorithm() + "/" + digest.hex());
    }

    /** A small document (manifest, config, index) of the archive. */
    byte[] read(Entry entry) throws IOException {
        if (entry.size() > ManifestStore.MAX_MANIFEST_BYTES) {
            throw ErrorCode.ARCHIVE_INVALID.exception(entry.name() + " is larger than "
                    + ManifestStore.MAX_MANIFEST_BYTES + " bytes, too large for a manifest or config");
        }
        return Files.readAllBytes(entry.file());
    }

    InputStream open(Entry entry) throws IOException {
        return Files.newInputStream(entry.file());
    }

    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // Leftovers in a temporary directory do no harm to the store; the result of the import stands.
        }
    }
}
