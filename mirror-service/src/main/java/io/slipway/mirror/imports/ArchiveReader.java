package io.slipway.mirror.imports;

import io.slipway.mirror.registry.Digest;
import io.slipway.mirror.registry.ErrorCode;
import io.slipway.mirror.registry.RegistryException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Streams a tar archive (plain or gzip, detected by its magic bytes) into a {@link StagedArchive}: one pass, a fixed
 * buffer, every file hashed as it is written. Refuses what an image archive never needs and an unpacker must not
 * trust: absolute names, {@code ..} segments, links, devices, and a name that appears twice. A read failure (a
 * truncated archive, a broken gzip stream or tar header) is ARCHIVE_INVALID; nothing is stored by this step.
 */
final class ArchiveReader {

    private static final int BUFFER = 256 * 1024;

    private ArchiveReader() {}

    static StagedArchive stage(InputStream body, Path stagingRoot) throws IOException {
        Files.createDirectories(stagingRoot);
        Path directory = Files.createTempDirectory(stagingRoot, "import-");
        Map<String, StagedArchive.Entry> entries = new HashMap<>();
        StagedArchive staged = new StagedArchive(directory, entries);
        try {
            TarArchiveInputStream tar = new TarArchiveInputStream(decompressed(body));
            byte[] buf = new byte[BUFFER];
            for (TarArchiveEntry e; (e = next(tar)) != null; ) {
                String name = checkedName(e);
                if (e.isDirectory()) {
                    continue;
                }
                if (!e.isFile() || e.isLink() || e.isSymbolicLink()) {
                    throw invalid("entry " + name + " is a " + kind(e) + "; an image archive holds only files");
                }
                if (entries.containsKey(name)) {
                    throw invalid("entry " + name + " appears twice");
                }
                Path file = directory.resolve("f" + entries.size());
                MessageDigest sha = Digest.newSha256();
                long size = 0;
                try (OutputStream out = Files.newOutputStream(file)) {
                    for (int n; (n = read(tar, buf, name)) >= 0; ) {
                        sha.update(buf, 0, n);
                        out.write(buf, 0, n);
                        size += n;
                    }
                }
                Digest digest = new Digest("sha256", HexFormat.of().formatHex(sha.digest()));
                entries.put(name, new StagedArchive.Entry(name, file, digest, size));
            }
            if (entries.isEmpty()) {
                throw invalid("the archive holds no files");
            }
            return staged;
        } catch (IOException | RuntimeException e) {
            staged.close();
            throw e;
        }
    }

    private static InputStream decompressed(InputStream body) throws IOException {
        BufferedInputStream in = new BufferedInputStream(body, BUFFER);
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        if (b1 == 0x1f && b2 == 0x8b) {
            try {
                return new GZIPInputStream(in, BUFFER);
            } catch (IOException e) {
                throw invalid("not a gzip stream: " + e.getMessage());
            }
        }
        return in;
    }

    private static TarArchiveEntry next(TarArchiveInputStream tar) {
        try {
            return tar.getNextEntry();
        } catch (IOException | IllegalArgumentException e) {
            throw invalid("not a readable tar archive: " + e.getMessage());
        }
    }

    private static int read(TarArchiveInputStream tar, byte[] buf, String name) {
        try {
            return tar.read(buf);
        } catch (IOException e) {
            throw invalid("the archive ends inside " + name + " (truncated?): " + e.getMessage());
        }
    }

    /** The entry's name without a leading {@code ./}; absolute names and {@code ..} segments are refused. */
    private static String checkedName(TarArchiveEntry e) {
        String name = e.getName();
        if (name.startsWith("/") || name.contains("\\")) {
            throw invalid("entry " + name + " has an absolute or non-portable name");
        }
        while (name.startsWith("./")) {
            name = name.substring(2);
        }
        for (String segment : name.split("/")) {
            if (segment.equals("..")) {
                throw invalid("entry " + e.getName() + " leaves the archive (..)");
            }
        }
        if (name.endsWith("/")) {
            name = name.substring(0, name.length() - 1);
        }
        return name;
    }

    private static String kind(TarArchiveEntry e) {
        if (e.isSymbolicLink()) {
            return "symbolic link to " + e.getLinkName();
        }
        if (e.isLink()) {
            return "hard link to " + e.getLinkName();
        }
        if (e.isCharacterDevice() || e.isBlockDevice()) {
            return "device";
        }
        return e.isFIFO() ? "FIFO" : "special entry";
    }

    private static RegistryException invalid(String detail) {
        return ErrorCode.ARCHIVE_INVALID.exception(detail);
    }
}
