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
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A real CNCF distribution registry (Debian's /usr/bin/docker-registry, 2.8.2) on 127.0.0.1:&lt;free port&gt; with its
 * own temp root; access log in {@link #log()} (one line per request, used to count upstream fetches).
 */
public final class DistributionRegistry implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final String authSection;
    private ChildProcess process;

    private DistributionRegistry(Path dir, int port, String authSection) {
        this.dir = dir;
        this.port = port;
        this.authSection = authSection;
    }

    public static DistributionRegistry anonymous() {
        return create("");
    }

    /** Requires HTTP basic (htpasswd, bcrypt) for everything. */
    public static DistributionRegistry withBasicAuth(String user, String password) {
        Requirements.require(Part.HTPASSWD);
        Path dir = tempDir();
        Processes.check(60, "htpasswd", "-Bbc", dir.resolve("htpasswd").toString(), user, password);
        return create(dir, "auth:\n  htpasswd:\n    realm: slipway-test\n    path: " + dir.resolve("htpasswd") + "\n");
    }

    /** Requires bearer tokens from {@code issuer} (the registry trusts the issuer's certificate). */
    public static DistributionRegistry withTokenAuth(TokenIssuer issuer) {
        return create("auth:\n  token:\n    realm: " + issuer.realm() + "\n    service: " + TokenIssuer.SERVICE
                + "\n    issuer: " + TokenIssuer.ISSUER + "\n    rootcertbundle: " + issuer.certificate() + "\n");
    }

    private static DistributionRegistry create(String auth) {
        return create(tempDir(), auth);
    }

    private static DistributionRegistry create(Path dir, String auth) {
        DistributionRegistry r = new DistributionRegistry(dir, Ports.freePort(), auth);
        r.start();
        return r;
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("slipway-t-mirror-upstream");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized void start() {
        Requirements.require(Part.DOCKER_REGISTRY);
        try {
            Path config = dir.resolve("config.yml");
            Files.writeString(config, """
                    version: 0.1
                    log:
                      level: info
                      formatter: text
                    storage:
                      filesystem:
                        rootdirectory: %s
                      delete:
                        enabled: true
                    http:
                      addr: 127.0.0.1:%d
                      secret: %s
                    %s""".formatted(dir.resolve("root"), port, UUID.randomUUID(), authSection));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        process = new ChildProcess("docker-registry", List.of("/usr/bin/docker-registry", "serve",
                dir.resolve("config.yml").toString()), Map.of(), log());
        // With auth configured /v2/ answers 401: any answer means it listens.
        process.awaitListening(url() + "/v2/", Duration.ofSeconds(30));
    }

    public synchronized void stop() {
        if (process != null) {
            process.stop(Duration.ofSeconds(10));
            process = null;
        }
    }

    public long pid() {
        return process.pid();
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    public Path log() {
        return dir.resolve("registry.log");
    }

    public Path root() {
        return dir.resolve("root");
    }

    /** Requests in the access log whose request line starts with {@code method path}, answered with {@code status}. */
    public long count(String method, String path, int status) {
        try {
            String needle = "\"" + method + " " + path + " HTTP/1.1\" " + status + " ";
            return Files.readAllLines(log()).stream().filter(l -> l.contains(needle)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        stop();
        Processes.exec(60, "rm", "-rf", dir.toString());
    }
}
