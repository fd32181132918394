package io.slipway.gateway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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
        Path jar = Parts.sampleModelJar();
        Parts.require(Files.isRegularFile(jar), "the sample-model jar (" + jar + "; build the sample-model module)");
        int port = Parts.freePort();
        try {
            Path log = Files.createTempFile("slipway-t-gateway-model-", ".log");
            ChildProcess process = new ChildProcess("sample-model", List.of(javaBin(), "-Xmx128m",
                    "-XX:TieredStopAtLevel=1", "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                    "-jar", jar.toString()), env, log);
            process.awaitHttp200("http://127.0.0.1:" + port + "/v2/health/ready", Duration.ofSeconds(60));
            return new SampleModel(port, process);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** p = sigmoid(0.5*x0 - 0.25*x1 + 1.0*x2 + 2.0*x3 - 1), what the sample model computes. */
    public static double probability(double x0, double x1, double x2, double x3) {
        double logit = 0.5 * x0 - 0.25 * x1 + 1.0 * x2 + 2.0 * x3 - 1;
        return 1 / (1 + Math.exp(-logit));
    }
}
