package io.slipway.gateway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The packaged gateway ({@code quarkus-run.jar}) run as a child process on a free 127.0.0.1 port. */
public final class GatewayProcess implements AutoCloseable {

    private final int port;
    private final ChildProcess process;

    private GatewayProcess(int port, ChildProcess process) {
        this.port = port;
        this.process = process;
    }

    /** Starts the gateway with the given {@code gateway.*} settings and waits until it is ready. */
    public static GatewayProcess start(String name, Map<String, String> config) {
        Path jar = Parts.gatewayJar();
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError("the packaged gateway is missing: " + jar + " (run mvn package first)");
        }
        int port = Parts.freePort();
        List<String> command = new ArrayList<>(List.of(SampleModel.javaBin(), "-Xmx256m",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port));
        config.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", jar.toString()));
        try {
            Path log = Files.createTempFile("slipway-t-gateway-" + name + "-", ".log");
            ChildProcess process = new ChildProcess("gateway " + name, command, Map.of(), log);
            process.awaitHttp200("http://127.0.0.1:" + port + "/q/health/ready", Duration.ofSeconds(90));
            return new GatewayProcess(port, process);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public ChildProcess process() {
        return process;
    }

    public void kill9() {
        process.kill9();
    }

    @Override
    public void close() {
        process.close();
    }
}
