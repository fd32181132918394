package io.slipway.e2e;

import io.slipway.testsupport.Part;
import io.slipway.testsupport.Ports;
import io.slipway.testsupport.Requirements;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A private Docker engine ({@code /usr/sbin/dockerd}) beside the machine's own, which is shared and must never be
 * restarted by a test. Restarting this one ({@link #restart()}) is what a host reboot does to a stack: every container
 * stops, the engine comes back and starts the containers whose restart policy says so.
 *
 * <p>It runs in a network namespace of its own ({@code ip netns add}, entered with {@code nsenter --net} so that the
 * cgroup mounts stay): its bridges, iptables rules and embedded DNS live there and never touch the host's (with
 * {@code --iptables=false} on the host namespace, Docker's embedded DNS does not answer). Its data root, exec root
 * and socket are in one temp dir. The ports it publishes on its 127.0.0.1 are forwarded from the same ports on the
 * host's 127.0.0.1 by {@code socat}, one forwarder per port ({@link #forward}). Everything goes on {@link #close()}.
 */
public final class PrivateDockerd implements AutoCloseable {

    private final Path dir;
    private final String netns;
    private final List<Process> forwarders = new ArrayList<>();
    private final String deadProxy;
    private Process process;

    private PrivateDockerd(Path dir, String netns) {
        this.dir = dir;
        this.netns = netns;
        this.deadProxy = "http://127.0.0.1:" + Ports.freePort();
    }

    public static PrivateDockerd start() {
        Requirements.require(Part.DOCKERD, Part.SOCAT, Part.NSENTER, Part.IPROUTE2);
        try {
            Path dir = Files.createTempDirectory("slipway-t-dockerd");
            Files.writeString(dir.resolve("daemon.json"), "{}"); // not the host's /etc/docker/daemon.json
            PrivateDockerd engine = new PrivateDockerd(dir, "slipway-t-" + UUID.randomUUID().toString().substring(0, 8));
            try {
                host("ip", "netns", "add", engine.netns);
                host("ip", "netns", "exec", engine.netns, "ip", "link", "set", "lo", "up");
                engine.launch();
                return engine;
            } catch (RuntimeException | Error e) {
                engine.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code unix://…/docker.sock}, for {@code DOCKER_HOST}. */
    public String host() {
        return "unix://" + socket();
    }

    public Path socket() {
        return dir.resolve("docker.sock");
    }

    /** A compose file to put after docker-compose.yml: deploy-controller gets this engine's socket. */
    public Path composeOverride() {
        Path file = dir.resolve("docker-compose.private-engine.yml");
        try {
            Files.writeString(file, "services:\n  deploy-controller:\n    volumes:\n      - " + socket()
                    + ":/var/run/docker.sock\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Forwards the host's 127.0.0.1:{@code port} to the engine namespace's 127.0.0.1:{@code port}. */
    public void forward(int port) {
        try {
            forwarders.add(new ProcessBuilder("socat", "TCP-LISTEN:" + port + ",bind=127.0.0.1,reuseaddr,fork",
                    "EXEC:nsenter --net=/var/run/netns/" + netns + " socat STDIO TCP\\:127.0.0.1\\:" + port)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("socat-" + port + ".log").toFile())
                    .start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies images from the machine's engine into this one ({@code docker save | docker load}). */
    public void loadImages(List<String> images) {
        host("sh", "-c", "docker save " + String.join(" ", images) + " | docker -H " + host() + " load -q");
    }

    /** Stops the engine as a shutdown does (SIGTERM: it stops every container) and starts it again on the same data. */
    public void restart() {
        stopProcess();
        launch();
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("dockerd.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private void launch() {
        try {
            ProcessBuilder pb = new ProcessBuilder(List.of("nsenter", "--net=/var/run/netns/" + netns,
                    "/usr/sbin/dockerd",
                    "--config-file", dir.resolve("daemon.json").toString(),
                    "--data-root", dir.resolve("data").toString(),
                    "--exec-root", dir.resolve("exec").toString(),
                    "--pidfile", dir.resolve("docker.pid").toString(),
                    "--host", host(),
                    "--storage-driver", "overlay2"))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("dockerd.log").toFile()));
            // Nothing is pulled (pull_policy: never); should anything try, it meets a closed port, not the internet.
            pb.environment().put("HTTP_PROXY", deadProxy);
            pb.environment().put("HTTPS_PROXY", deadProxy);
            pb.environment().put("NO_PROXY", "127.0.0.1,localhost");
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                host("docker", "-H", host(), "version", "--format", "{{.Server.Version}}");
                return;
            } catch (AssertionError notYet) {
                sleep(300);
            }
        }
        throw new AssertionError("private dockerd did not start; its log:\n" + log());
    }

    private void stopProcess() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        forwarders.forEach(Process::destroy);
        stopProcess();
        tryHost("ip", "netns", "del", netns);
        // Mounts a killed engine left would keep rm from deleting its overlay dirs.
        tryHost("sh", "-c", "grep -o ' " + dir + "[^ ]*' /proc/mounts | sort -r | xargs -r -n1 umount -l");
        tryHost("rm", "-rf", dir.toString());
    }

    private static void tryHost(String... command) {
        try {
            host(command);
        } catch (AssertionError | RuntimeException e) {
            System.err.println("cleanup: " + e.getMessage());
        }
    }

    /** Runs a command on the host; its output, or an AssertionError with it. */
    static String host(String... command) {
        try {
            Path out = Files.createTempFile("slipway-t-dockerd", ".out");
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
                if (!p.waitFor(10, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new AssertionError("timed out: " + String.join(" ", command));
                }
                String text = Files.readString(out);
                if (p.exitValue() != 0) {
                    throw new AssertionError("exit " + p.exitValue() + ": " + String.join(" ", command) + "\n" + text);
                }
                return text;
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
