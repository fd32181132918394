package io.slipway.deploy.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.slipway.deploy.fakes.FakeDeployConfig;
import io.slipway.deploy.proxy.Route;
import io.slipway.testsupport.Ports;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A canary's error rate as {@link TrafficCheck#inferTally} reads it from a model's Prometheus page (the shape Quarkus'
 * HTTP server metrics have, which {@code FailureRateTest} pins for the sample model): only inference answers count,
 * 5xx ones as failed, summed over the color's containers.
 */
class TrafficCheckTallyTest {

    private final AtomicReference<String> page = new AtomicReference<>("");
    private HttpServer server;
    private Route.Backend backend;

    @BeforeEach
    void serveMetrics() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(TrafficCheck.METRICS_PATH, exchange -> {
            byte[] body = page.get().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        backend = new Route.Backend("127.0.0.1", server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static String answers(int ok, int failed, int unknownModel, int health) {
        return "# TYPE http_server_requests_seconds summary\n"
                + "http_server_requests_seconds_count{method=\"POST\",outcome=\"SUCCESS\",status=\"200\","
                + "uri=\"/v2/models/{name}/infer\"} " + ok + ".0\n"
                + "http_server_requests_seconds_sum{method=\"POST\",outcome=\"SUCCESS\",status=\"200\","
                + "uri=\"/v2/models/{name}/infer\"} 12.5\n"
                + "http_server_requests_seconds_count{method=\"POST\",outcome=\"SERVER_ERROR\",status=\"500\","
                + "uri=\"/v2/models/{name}/infer\"} " + failed + ".0\n"
                + "http_server_requests_seconds_count{method=\"POST\",outcome=\"CLIENT_ERROR\",status=\"404\","
                + "uri=\"/v2/models/{name}/versions/{version}/infer\"} " + unknownModel + ".0\n"
                + "http_server_requests_seconds_count{method=\"GET\",outcome=\"SUCCESS\",status=\"200\","
                + "uri=\"/v2/health/ready\"} " + health + ".0\n";
    }

    @Test
    void countsInferenceAnswersAndTheirServerErrorsOnly() {
        TrafficCheck check = new TrafficCheck(new FakeDeployConfig());
        page.set(answers(7, 3, 5, 40));
        TrafficCheck.Tally before = check.inferTally(List.of(backend));
        assertEquals(new TrafficCheck.Tally(15, 3), before);

        page.set(answers(16, 4, 5, 90));
        TrafficCheck.Tally step = check.inferTally(List.of(backend)).since(before);
        assertEquals(new TrafficCheck.Tally(10, 1), step);
        assertEquals(0.1, step.errorRate(), 1e-9);
        // Two containers of the color: their answers add up.
        assertEquals(new TrafficCheck.Tally(50, 8), check.inferTally(List.of(backend, backend)));
        assertEquals(0, new TrafficCheck.Tally(0, 0).errorRate());
    }

    @Test
    void aModelWhoseCountersDoNotAnswerFailsTheStep() {
        TrafficCheck check = new TrafficCheck(new FakeDeployConfig());
        Route.Backend nobody = new Route.Backend("127.0.0.1", Ports.freePort());
        DeployFailure e = assertThrows(DeployFailure.class, () -> check.inferTally(List.of(nobody)));
        assertTrue(e.getMessage().contains("cannot read the inference counters of 127.0.0.1:" + nobody.port()),
                e.getMessage());
    }
}
