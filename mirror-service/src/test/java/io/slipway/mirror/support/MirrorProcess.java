package io.slipway.mirror.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The packaged service ({@code target/quarkus-app/quarkus-run.jar}) as a child process that tests can kill -9. */
public final class MirrorProcess implements AutoCloseable {

    public static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    private final int port;
    private final Path root;
    private final Map<String, String> config;
    private final String maxHeap;
    private final Path log;
    private final Map<String, String> env = new java.util.HashMap<>();
    private Process process;

    public MirrorProcess(Path root, String maxHeap, Map<String, String> config) {
        this.port = Processes.freePort();
        this.root = root;
        this.config = config;
        this.maxHeap = maxHeap;
        this.log = root.resolveSibling(root.getFileName() + ".log");
    }

    /** Configuration by environment variable, as a container would get it (e.g. {@code MIRROR_UPSTREAMS_HUB_URL}). */
    public MirrorProcess withEnv(Map<String, String> variables) {
        env.putAll(variables);
        return this;
    }

    public MirrorProcess start() {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " missing: run `mvn package` (verify) first");
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap, "-Dquarkus.http.port=" + port, "-Dmirror.storage.root=" + root,
                "-Dmirror.auth.password=it-secret"));
        config.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(JAR.toString());
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().putAll(env);
            process = pb.start();
            HttpClient http = HttpClient.newHttpClient();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                try {
                    HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/q/health/ready"))
                            .build(), HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() == 200) {
                        return this;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                if (!process.isAlive()) {
                    break;
                }
                Thread.sleep(200);
            }
            throw new IllegalStateException("mirror did not become ready; log:\n" + Files.readString(log));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** kill -9: no shutdown hooks, no flushing, exactly like a power cut for the process. */
    public void kill9() throws InterruptedException {
        Processes.check(10, "kill", "-9", String.valueOf(process.pid()));
        process.waitFor();
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    public Path log() {
        return log;
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
