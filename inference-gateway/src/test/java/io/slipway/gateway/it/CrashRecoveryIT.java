package io.slipway.gateway.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.slipway.gateway.testing.GatewayClient;
import io.slipway.gateway.testing.GatewayProcess;
import io.slipway.gateway.testing.Nginx;
import io.slipway.testsupport.Oip;
import io.slipway.gateway.testing.SampleModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the packaged gateway with jobs queued and running on the embedded store: after a restart on the same
 * store file, every accepted job completes with the right numbers.
 */
class CrashRecoveryIT {

    static final int JOBS = 40;
    static final int FIRST_WAVE = 30;

    static double x0(int i) {
        return i / 10.0;
    }

    @Test
    void everyAcceptedJobCompletesAfterAKill9() throws Exception {
        Path storeDir = Files.createTempDirectory("slipway-t-gateway-store-");
        try (SampleModel model = SampleModel.start(Map.of());
                Nginx nginx = Nginx.start(Map.of("sample-model", List.of(model.address())))) {
            Map<String, String> config = new HashMap<>();
            config.put("gateway.models.url", nginx.url());
            config.put("gateway.store.url", "jdbc:h2:file:" + storeDir + "/jobs");
            config.put("gateway.dispatch.concurrency", "2");
            config.put("gateway.dispatch.poll-interval", "50ms");
            List<String> ids = new ArrayList<>();
            try (GatewayProcess first = GatewayProcess.start("crash-a", config)) {
                for (int i = 0; i < FIRST_WAVE; i++) {
                    ids.add(submit(first, i));
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> count(first, "succeeded") >= 4);
                assertTrue(count(first, "running") >= 1, "some jobs are running when the gateway dies");
                assertTrue(count(first, "queued") >= 1, "some jobs are queued when the gateway dies");
                // The last jobs are killed right after their 202: accepted must mean on disk, not in a buffer.
                for (int i = FIRST_WAVE; i < JOBS; i++) {
                    ids.add(submit(first, i));
                }
                first.kill9();
            }
            try (GatewayProcess second = GatewayProcess.start("crash-b", config)) {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> count(second, "queued") + count(second, "running") == 0);
                int rerun = 0;
                for (int i = 0; i < JOBS; i++) {
                    String id = ids.get(i);
                    GatewayClient.Reply found = GatewayClient.get(second.url() + "/jobs/" + id);
                    assertEquals(200, found.status(), "accepted job " + i + " was lost");
                    JsonNode job = found.body();
                    assertEquals("succeeded", job.get("status").asText());
                    rerun += job.get("attempts").asInt() > 1 ? 1 : 0;
                    JsonNode result = GatewayClient.get(second.url() + "/jobs/" + id + "/result").body();
                    double probability = result.get("outputs").get(0).get("data").get(0).asDouble();
                    assertEquals(Oip.probability(x0(i), 1, 0, 0), probability, 1e-5, "job " + i);
                }
                assertTrue(rerun >= 1, "the jobs running at the kill were run again");
            }
        } finally {
            try (var files = Files.walk(storeDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static String submit(GatewayProcess gateway, int i) {
        GatewayClient.Reply reply = GatewayClient.post(gateway.url() + "/jobs", Oip.job("sample-model",
                Oip.request(new double[][] {{x0(i), 1, 0, 0}}, 400)));
        assertEquals(202, reply.status(), String.valueOf(reply.body()));
        return reply.body().get("id").asText();
    }

    static int count(GatewayProcess gateway, String status) {
        JsonNode page = GatewayClient.get(gateway.url() + "/jobs?limit=500&status=" + status).body();
        return page.get("jobs").size();
    }
}
