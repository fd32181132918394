package io.slipway.gateway.testing;

import io.slipway.testsupport.ChildProcess;
import io.slipway.testsupport.Ports;
import io.slipway.testsupport.Repository;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The real sample model (OIP v2), run from its built jar on a free 127.0.0.1 port. */
public final class SampleModel implements AutoCloseable {

    private final int port;
    private final ChildProcess process;

    private SampleModel(int port, ChildProcess process) {
        this.port = port;
        this.process = process;
    }

    public static SampleModel start(Map<String, String> env) {
        Path jar = Repository.packagedJar("sample-model");
        int port = Ports.freePort();
        ChildProcess process = ChildProcess.start("gateway-model", List.of(Repository.javaBin(), "-Xmx128m",
                "-XX:TieredStopAtLevel=1", "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                "-jar", jar.toString()), env);
        process.awaitHttp200("http://127.0.0.1:" + port + "/v2/health/ready", Duration.ofSeconds(60));
        return new SampleModel(port, process);
    }

    public int port() {
        return port;
    }

    public String address() {
        return "127.0.0.1:" + port;
    }

    public ChildProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.close();
    }
}
