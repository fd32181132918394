package io.slipway.mirror.storage;

import io.slipway.testsupport.ChildProcess;
import io.slipway.testsupport.Ports;
import io.slipway.testsupport.Requirements;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real S3-compatible server for the tests: s3proxy (Maven Central, copied to {@code target/s3proxy/s3proxy.jar} by
 * the build) with its filesystem backend, as a child JVM on 127.0.0.1 with its own classpath. Buckets are directories
 * of that backend; everything it stored is removed on close.
 */
public final class S3ProxyServer implements AutoCloseable {

    public static final String ACCESS_KEY = "slipway-test";
    public static final String SECRET_KEY = "slipway-test-secret";
    private static final Path JAR = Path.of("target/s3proxy/s3proxy.jar");

    private final Path dir;
    private final int port;
    private final ChildProcess process;

    private S3ProxyServer(Path dir, int port, ChildProcess process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    public static S3ProxyServer start(String... buckets) throws IOException {
        Requirements.requireBuilt(JAR, "run the build through Maven: generate-test-resources copies org.gaul:s3proxy "
                + "there");
        Path dir = Files.createTempDirectory("slipway-s3proxy-");
        Path data = Files.createDirectories(dir.resolve("data"));
        for (String bucket : buckets) {
            Files.createDirectories(data.resolve(bucket));
        }
        int port = Ports.freePort();
        Path properties = dir.resolve("s3proxy.conf");
        Files.writeString(properties, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=filesystem",
                "jclouds.identity=" + ACCESS_KEY,
                "jclouds.credential=" + SECRET_KEY,
                "jclouds.filesystem.basedir=" + data) + "\n");
        String java = ProcessHandle.current().info().command().orElse("java");
        ChildProcess p = new ChildProcess("s3proxy", List.of(java, "-Xmx256m", "-jar",
                JAR.toAbsolutePath().toString(), "--properties", properties.toString()), Map.of(),
                dir.resolve("s3proxy.log"));
        S3ProxyServer server = new S3ProxyServer(dir, port, p);
        try {
            // Any answer (403 without credentials) means it listens.
            p.awaitListening("http://127.0.0.1:" + port + "/", Duration.ofSeconds(90));
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
        return server;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Where the filesystem backend keeps a bucket's objects (to look behind the S3 API). */
    public Path bucketDir(String bucket) {
        return dir.resolve("data").resolve(bucket);
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(10));
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp directory
        }
    }
}
