package io.slipway.mirror.support;

import io.slipway.testsupport.ChildProcess;
import io.slipway.testsupport.Part;
import io.slipway.testsupport.Ports;
import io.slipway.testsupport.Processes;
import io.slipway.testsupport.Requirements;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A second, private Docker engine ({@code /usr/sbin/dockerd}) started with {@code --registry-mirror}, beside the
 * machine's own engine (which is shared and must not be reconfigured). Everything it owns lives in one temp dir: data
 * root, exec root, socket, pid file; no iptables rules. It gets a bridge of its own ({@code slipt<random>}, made here
 * and deleted on close), never {@code --bridge none}: with that flag dockerd deletes the host's {@code docker0},
 * which the machine's own engine needs (found the hard way: every later container start failed).
 *
 * <p>A Docker engine falls back to Docker Hub when its mirror fails. So that such a fallback can never leave the
 * machine, the engine runs with {@code HTTP(S)_PROXY} pointing at a closed loopback port; only 127.0.0.1 (the mirror)
 * is reached directly.
 */
public final class SecondDockerEngine implements AutoCloseable {

    private final Path dir;
    private final String bridge;
    private final ChildProcess process;

    private SecondDockerEngine(Path dir, String bridge, ChildProcess process) {
        this.dir = dir;
        this.bridge = bridge;
        this.process = process;
    }

    public static SecondDockerEngine start(String mirrorUrl) {
        Requirements.require(Part.DOCKERD, Part.IPROUTE2);
        try {
            Path dir = Files.createTempDirectory("slipway-t-mirror-dockerd");
            Files.writeString(dir.resolve("daemon.json"), "{}"); // not the host's /etc/docker/daemon.json
            // A private bridge in 198.18.0.0/15 (reserved for benchmarking, RFC 2544); no container is started on it.
            String bridge = "slipt" + java.util.UUID.randomUUID().toString().substring(0, 8);
            Processes.check(30, "ip", "link", "add", bridge, "type", "bridge");
            Processes.check(30, "ip", "addr", "add", "198.18.254.1/30", "dev", bridge);
            Processes.check(30, "ip", "link", "set", bridge, "up");
            String deadProxy = "http://127.0.0.1:" + Ports.freePort();
            List<String> command = List.of("/usr/sbin/dockerd",
                    "--config-file", dir.resolve("daemon.json").toString(),
                    "--data-root", dir.resolve("data").toString(),
                    "--exec-root", dir.resolve("exec").toString(),
                    "--pidfile", dir.resolve("docker.pid").toString(),
                    "--host", "unix://" + dir.resolve("docker.sock"),
                    "--containerd-namespace", "slipway-t-mirror",
                    "--containerd-plugins-namespace", "slipway-t-mirror-plugins",
                    "--bridge", bridge, "--iptables=false", "--ip-masq=false",
                    "--storage-driver", "vfs",
                    "--registry-mirror", mirrorUrl);
            Map<String, String> env = Map.of("HTTP_PROXY", deadProxy, "HTTPS_PROXY", deadProxy,
                    "NO_PROXY", "127.0.0.1,localhost");
            SecondDockerEngine engine = new SecondDockerEngine(dir, bridge,
                    new ChildProcess("second dockerd", command, env, dir.resolve("dockerd.log")));
            try {
                engine.process.await("answers `docker version`", Duration.ofSeconds(60),
                        () -> engine.docker(10, "version", "--format", "{{.Server.Version}}").ok());
            } catch (AssertionError e) {
                engine.close();
                throw e;
            }
            return engine;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the docker CLI against this engine. */
    public Processes.Result docker(int timeoutSeconds, String... args) {
        List<String> cmd = new ArrayList<>(List.of("docker", "--host", "unix://" + dir.resolve("docker.sock")));
        cmd.addAll(List.of(args));
        return Processes.exec(timeoutSeconds, cmd.toArray(String[]::new));
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("dockerd.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(30));
        Processes.exec(120, "rm", "-rf", dir.toString());
        Processes.exec(30, "ip", "link", "del", bridge);
    }
}
