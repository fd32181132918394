package io.slipway.mirror.support;

import io.slipway.testsupport.ChildProcess;
import io.slipway.testsupport.Ports;
import io.slipway.testsupport.Repository;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The packaged service ({@code target/quarkus-app/quarkus-run.jar}) as a child process that tests can kill -9. */
public final class MirrorProcess implements AutoCloseable {

    private final int port;
    private final Path root;
    private final Map<String, String> config;
    private final String maxHeap;
    private final Path log;
    private final Map<String, String> env = new HashMap<>();
    private ChildProcess process;

    public MirrorProcess(Path root, String maxHeap, Map<String, String> config) {
        this.port = Ports.freePort();
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
        Path jar = Repository.packagedJar("mirror-service");
        List<String> cmd = new ArrayList<>(List.of(Repository.javaBin(), "-Xmx" + maxHeap,
                "-Dquarkus.http.port=" + port, "-Dmirror.storage.root=" + root, "-Dmirror.auth.password=it-secret"));
        config.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(jar.toString());
        process = new ChildProcess("mirror-service", cmd, env, log);
        process.awaitHttp200(url() + "/q/health/ready", Duration.ofSeconds(90));
        return this;
    }

    /** kill -9: no shutdown hooks, no flushing, exactly like a power cut for the process. */
    public void kill9() {
        process.kill9();
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
        if (process != null) {
            process.kill9();
        }
    }
}
