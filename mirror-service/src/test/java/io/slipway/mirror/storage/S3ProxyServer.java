package io.slipway.mirror.storage;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
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
    private final Process process;

    private S3ProxyServer(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    public static S3ProxyServer start(String... buckets) throws IOException {
        if (!Files.isRegularFile(JAR)) {
            fail("s3proxy is missing at " + JAR.toAbsolutePath() + ": run the build through Maven "
                    + "(generate-test-resources copies org.gaul:s3proxy there)");
        }
        Path dir = Files.createTempDirectory("slipway-s3proxy-");
        Path data = Files.createDirectories(dir.resolve("data"));
        for (String bucket : buckets) {
            Files.createDirectories(data.resolve(bucket));
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
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
        Process p = new ProcessBuilder(List.of(java, "-Xmx256m", "-jar", JAR.toAbsolutePath().toString(),
                "--properties", properties.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("s3proxy.log").toFile()).start();
        S3ProxyServer server = new S3ProxyServer(dir, port, p);
        server.awaitListening(Duration.ofSeconds(90));
        return server;
    }

    private void awaitListening(Duration timeout) throws IOException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                String log = Files.readString(dir.resolve("s3proxy.log"));
                close();
                fail("s3proxy exited with " + process.exitValue() + ":\n" + log);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
        }
        String log = Files.readString(dir.resolve("s3proxy.log"));
        close();
        fail("s3proxy did not listen on 127.0.0.1:" + port + " within " + timeout + ":\n" + log);
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
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp directory
        }
    }
}
