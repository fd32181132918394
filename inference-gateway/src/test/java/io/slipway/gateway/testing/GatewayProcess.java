package io.slipway.gateway.testing;

import io.slipway.testsupport.ChildProcess;
import io.slipway.testsupport.Ports;
import io.slipway.testsupport.Repository;
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

    /**
     * Starts the gateway with the given {@code gateway.*} settings and waits until it is ready. Without
     * deploy-controller there is no published model index: unless told otherwise it serves {@code sample-model}.
     */
    public static GatewayProcess start(String name, Map<String, String> given) {
        Map<String, String> config = new java.util.HashMap<>(given);
        config.putIfAbsent("gateway.models.names", "sample-model");
        config.putIfAbsent("gateway.models.index", Path.of("target", "no-model-index", "models.json")
                .toAbsolutePath().toString());
        Path jar = Repository.packagedJar("inference-gateway");
        int port = Ports.freePort();
        List<String> command = new ArrayList<>(List.of(Repository.javaBin(), "-Xmx256m",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port));
        config.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", jar.toString()));
        ChildProcess process = ChildProcess.start("gateway-" + name, command, Map.of());
        process.awaitHttp200("http://127.0.0.1:" + port + "/q/health/ready", Duration.ofSeconds(90));
        return new GatewayProcess(port, process);
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
