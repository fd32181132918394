package io.slipway.mirror.storage.fs;

import io.slipway.mirror.storage.InvalidKeyException;
import io.slipway.mirror.storage.Storage;
import io.slipway.mirror.storage.StorageKeys;
import io.slipway.mirror.storage.StorageNotFoundException;
import io.slipway.mirror.storage.StorageWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The embedded default: each key is a file under the root. Writes go to a temp file in {@code <root>/.tmp}, are
 * fsynced, then renamed into place (and the directory fsynced), so a crash leaves only temp files, which the next
 * start sweeps away. The rename is this driver's business; the {@link Storage} interface does not promise one.
 *
 * <p>A large write is flushed to the disk behind the writer as it grows ({@link #FLUSH_STEP}), so the fsync of its
 * commit only waits for the tail: a cold blob's last byte waits for that fsync, and a whole 32 MiB file took ~0.2 s
 * to sync here, most of a cold layer's extra time. {@link #putCached} skips the fsyncs for content that may be
 * fetched again.
 */
public class FilesystemStorage implements Storage {

    private static final Logger LOG = Logger.getLogger(FilesystemStorage.class);
    private static final String TMP_DIR = ".tmp";
    /** Imports prepare their files here (see {@link #adopt}); not under .tmp, which a restart sweeps. */
    private static final String STAGING_DIR = ".staging";
    /** A write flushes its bytes in the background each time this much more was written. */
    static final long FLUSH_STEP = 4L * 1024 * 1024;
    private static final ExecutorService FLUSHERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "storage-flush");
        t.setDaemon(true);
        return t;
    });

    private final Path root;
    private volatile boolean swept;

    public FilesystemStorage(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** Deletes temp files that a crashed process left behind; content there was never visible. */
    public synchronized void sweepTemp() {
        if (swept) {
            return;
        }
        Path tmp = root.resolve(TMP_DIR);
        try {
            Files.createDirectories(tmp);
            try (Stream<Path> files = Files.list(tmp)) {
                long removed = files.filter(p -> {
                    try {
                        return Files.deleteIfExists(p);
                    } catch (IOException e) {
                        return false;
                    }
                }).count();
                if (removed > 0) {
                    LOG.infof("removed %d unfinished write(s) from %s", removed, tmp);
                }
            }
            swept = true;
        } catch (IOException e) {
            LOG.warnf("cannot sweep %s: %s", tmp, e);
        }
    }

    Path path(String key) {
        Path p = root.resolve(StorageKeys.check(key)).normalize();
        if (!p.startsWith(root) || p.equals(root)) {
            throw new InvalidKeyException(key);
        }
        return p;
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        try {
            BasicFileAttributes a = Files.readAttributes(path(key), BasicFileAttributes.class);
            return Optional.of(new ObjectInfo(a.isDirectory() ? 0 : a.size(), a.lastModifiedTime().toMillis(),
                    a.isDirectory()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public byte[] getContent(String key) throws IOException {
        try {
            return Files.readAllBytes(path(key));
        } catch (NoSuchFileException e) {
            throw new StorageNotFoundException(key);
        }
    }

    @Override
    public void putContent(String key, byte[] content) throws IOException {
        try (StorageWriter w = writer(key)) {
            w.stream().write(content);
            w.commit();
        }
    }

    /** Atomic for readers (temp file, rename), without the fsyncs: a crash may lose it or leave it empty. */
    @Override
    public void putCached(String key, byte[] content) throws IOException {
        try (FileWriter w = (FileWriter) writer(key)) {
            w.stream().write(content);
            w.publish();
        }
    }

    @Override
    public InputStream reader(String key, long offset) throws IOException {
        try {
            FileChannel ch = FileChannel.open(path(key), StandardOpenOption.READ);
            ch.position(offset);
            return Channels.newInputStream(ch);
        } catch (NoSuchFileException e) {
            throw new StorageNotFoundException(key);
        }
    }

    @Override
    public StorageWriter writer(String key) throws IOException {
        Path target = path(key);
        sweepTemp();
        Path tmp = Files.createDirectories(root.resolve(TMP_DIR)).resolve(UUID.randomUUID().toString());
        return new FileWriter(target, tmp);
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        Path dir = path(prefix);
        try (Stream<Path> children = Files.list(dir)) {
            return children.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (NoSuchFileException | java.nio.file.NotDirectoryException e) {
            return List.of();
        }
    }

    @Override
    public void walk(String prefix, ObjectVisitor visitor) throws IOException {
        Path dir = path(prefix);
        if (!Files.isDirectory(dir)) {
            return;
        }
        Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path file, BasicFileAttributes a) throws IOException {
                if (a.isRegularFile()) {
                    visitor.visit(root.relativize(file).toString().replace(java.io.File.separatorChar, '/'),
                            new ObjectInfo(a.size(), a.lastModifiedTime().toMillis(), false));
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return java.nio.file.FileVisitResult.CONTINUE; // deleted meanwhile
                }
                throw e;
            }
        });
    }

    @Override
    public void delete(String key) throws IOException {
        Path p = path(key);
        if (!Files.exists(p)) {
            throw new StorageNotFoundException(key);
        }
        try (Stream<Path> all = Files.walk(p)) {
            for (Path each : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(each);
            }
        }
        pruneEmptyParents(p.getParent());
    }

    private void pruneEmptyParents(Path dir) {
        while (dir != null && dir.startsWith(root) && !dir.equals(root)) {
            try {
                Files.delete(dir);
            } catch (DirectoryNotEmptyException | NoSuchFileException e) {
                return;
            } catch (IOException e) {
                return;
            }
            dir = dir.getParent();
        }
    }

    @Override
    public Optional<Path> localStagingDir() {
        return Optional.of(root.resolve(STAGING_DIR));
    }

    @Override
    public boolean adopt(Path file, String key) throws IOException {
        Path target = path(key);
        if (Files.exists(target)) {
            Files.delete(file);
            return true;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.createDirectories(target.getParent());
        try {
            Files.move(file, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            fsyncDirectory(target.getParent());
            return true;
        } catch (java.nio.file.AtomicMoveNotSupportedException e) {
            return false; // another filesystem: the caller copies
        }
    }

    @Override
    public Optional<Path> localFile(String key) {
        Path p = path(key);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    @Override
    public void checkWritable() throws IOException {
        String key = "_probe/" + UUID.randomUUID();
        byte[] content = key.getBytes(StandardCharsets.UTF_8);
        try {
            putContent(key, content);
            if (!Arrays.equals(getContent(key), content)) {
                throw new IOException("read back different bytes from " + path(key));
            }
        } finally {
            Files.deleteIfExists(path(key));
        }
    }

    @Override
    public String describe() {
        return "filesystem:" + root;
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some filesystems refuse to open directories; the rename itself is still atomic there.
        }
    }

    private static final class FileWriter implements StorageWriter {
        private final Path target;
        private final Path tmp;
        private final FileChannel channel;
        private final java.io.OutputStream stream;
        private long size;
        private long flushRequestedAt;
        /** The background flush in progress, if any: at most one per write. */
        private CompletableFuture<Void> flushing = CompletableFuture.completedFuture(null);
        private boolean finished;

        FileWriter(Path target, Path tmp) throws IOException {
            this.target = target;
            this.tmp = tmp;
            this.channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            this.stream = new java.io.OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    var buf = java.nio.ByteBuffer.wrap(b, off, len);
                    while (buf.hasRemaining()) {
                        channel.write(buf);
                    }
                    size += len;
                    flushBehind();
                }
            };
        }

        /** Starts an fdatasync of what was written so far, unless one is still running (the disk is behind). */
        private void flushBehind() {
            if (size - flushRequestedAt < FLUSH_STEP || !flushing.isDone()) {
                return;
            }
            flushRequestedAt = size;
            flushing = CompletableFuture.runAsync(() -> {
                try {
                    channel.force(false);
                } catch (IOException e) {
                    // The commit's own fsync reports what is wrong; this one only did part of its work early.
                    LOG.debugf("background flush of %s: %s", tmp, e);
                }
            }, FLUSHERS);
        }

        private void awaitFlush() {
            try {
                flushing.get();
            } catch (ExecutionException e) {
                // logged by the flush itself
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public java.io.OutputStream stream() {
            return stream;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public Optional<Path> spool() {
            return Optional.of(tmp);
        }

        @Override
        public void commit() throws IOException {
            if (finished) {
                throw new IllegalStateException("writer already finished");
            }
            awaitFlush();
            channel.force(true);
            publish();
            fsyncDirectory(target.getParent());
        }

        /** Renames the file into place: visible to readers, durable only after the fsyncs of {@link #commit}. */
        void publish() throws IOException {
            if (finished) {
                throw new IllegalStateException("writer already finished");
            }
            awaitFlush();
            channel.close();
            for (int attempt = 1; ; attempt++) {
                try {
                    Files.createDirectories(target.getParent());
                    Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    break;
                } catch (NoSuchFileException e) {
                    if (attempt == 3 || !Files.exists(tmp)) {
                        throw e;
                    }
                    // A delete next door (garbage collection) pruned the empty parent just now: create it again.
                }
            }
            finished = true;
        }

        @Override
        public void cancel() {
            if (finished) {
                return;
            }
            finished = true;
            awaitFlush();
            try {
                channel.close();
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
