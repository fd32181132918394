package io.slipway.gateway.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Until blue-green deploys drive it, the swap is played by nginx pointed at two sample models, one of which is
 * killed (kill -9) mid-run: every job still completes, through nginx's next-upstream or the gateway's retries.
 */
class ModelFailoverIT {

    @Test
    void jobsKeepCompletingWhenOneOfTwoModelsDiesMidRun() throws Exception {
        Path storeDir = Files.createTempDirectory("slipway-t-gateway-store-");
        try (SampleModel blue = SampleModel.start(Map.of());
                SampleModel green = SampleModel.start(Map.of());
                Nginx nginx = Nginx.start(Map.of("sample-model", List.of(blue.address(), green.address())));
                GatewayProcess gateway = GatewayProcess.start("failover", Map.of(
                        "gateway.models.url", nginx.url(),
                        "gateway.store.url", "jdbc:h2:file:" + storeDir + "/jobs",
                        "gateway.dispatch.concurrency", "4",
                        "gateway.dispatch.retry-base-delay", "200ms"))) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                GatewayClient.Reply reply = GatewayClient.post(gateway.url() + "/jobs",
                        Oip.job("sample-model", Oip.request(new double[][] {{0, i, 0, 1}}, 200)));
                assertEquals(202, reply.status());
                ids.add(reply.body().get("id").asText());
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> GatewayClient.get(gateway.url()
                    + "/jobs?status=succeeded&limit=500").body().get("jobs").size() >= 8);
            blue.process().kill9();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> GatewayClient
                    .get(gateway.url() + "/jobs?status=succeeded&limit=500").body().get("jobs").size() == 40);
            for (int i = 0; i < ids.size(); i++) {
                JsonNode result = GatewayClient.get(gateway.url() + "/jobs/" + ids.get(i) + "/result").body();
                assertEquals(Oip.probability(0, i, 0, 1),
                        result.get("outputs").get(0).get("data").get(0).asDouble(), 1e-5);
            }
        } finally {
            try (var files = Files.walk(storeDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
