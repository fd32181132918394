package io.slipway.gateway.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.slipway.gateway.testing.GatewayClient;
import io.slipway.gateway.testing.GatewayProcess;
import io.slipway.gateway.testing.Nginx;
import io.slipway.testsupport.Oip;
import io.slipway.gateway.testing.Postgres;
import io.slipway.gateway.testing.SampleModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two packaged gateways sharing one real PostgreSQL queue. */
class TwoReplicasIT {

    static Postgres postgres;
    static SampleModel model;
    static Nginx nginx;

    @BeforeAll
    static void start() {
        postgres = Postgres.start();
        model = SampleModel.start(Map.of());
        nginx = Nginx.start(Map.of("sample-model", List.of(model.address())));
    }

    @AfterAll
    static void stop() {
        if (nginx != null) {
            nginx.close();
        }
        if (model != null) {
            model.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    /** Both replicas stay up: a lease long enough that no stall of a loaded machine lets one take the other's job. */
    static Map<String, String> config() {
        return config("30s");
    }

    /**
     * The replicas' settings with job leases of {@code lease}; renewed every third of it, so a replica that stalls
     * for two thirds of it loses its running jobs to the other one (they then run twice).
     */
    static Map<String, String> config(String lease) {
        Map<String, String> config = new HashMap<>();
        config.put("gateway.models.url", nginx.url());
        config.put("gateway.store.url", postgres.url());
        config.put("gateway.store.username", postgres.user());
        config.put("gateway.dispatch.concurrency", "3");
        config.put("gateway.dispatch.poll-interval", "50ms");
        config.put("gateway.dispatch.lease", lease);
        return config;
    }

    static List<String> submit(List<GatewayProcess> gateways, int jobs, long latencyMs) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            GatewayProcess gateway = gateways.get(i % gateways.size());
            GatewayClient.Reply reply = GatewayClient.post(gateway.url() + "/jobs",
                    Oip.job("sample-model", Oip.request(new double[][] {{i, 0, 1, 0}}, latencyMs)));
            assertEquals(202, reply.status(), String.valueOf(reply.body()));
            ids.add(reply.body().get("id").asText());
        }
        return ids;
    }

    static void assertAllSucceededWithRightResults(GatewayProcess gateway, List<String> ids) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> ids.stream()
                .allMatch(id -> "succeeded".equals(GatewayClient.get(gateway.url() + "/jobs/" + id).body()
                        .get("status").asText())));
        for (int i = 0; i < ids.size(); i++) {
            JsonNode result = GatewayClient.get(gateway.url() + "/jobs/" + ids.get(i) + "/result").body();
            assertEquals(Oip.probability(i, 0, 1, 0),
                    result.get("outputs").get(0).get("data").get(0).asDouble(), 1e-5);
        }
    }

    @Test
    void everyJobRunsOnceAcrossTwoReplicas() {
        postgres.reset();
        try (GatewayProcess a = GatewayProcess.start("replica-a", config());
                GatewayProcess b = GatewayProcess.start("replica-b", config())) {
            double before = GatewayClient.modelInferences(model.port());
            List<String> ids = submit(List.of(a, b), 40, 150);
            assertAllSucceededWithRightResults(a, ids);
            for (String id : ids) {
                assertEquals(1, GatewayClient.get(b.url() + "/jobs/" + id).body().get("attempts").asInt(), id);
            }
            assertEquals(40.0, GatewayClient.modelInferences(model.port()) - before,
                    "the model answered each job exactly once: no job ran twice");
        }
    }

    @Test
    void survivingReplicaTakesOverTheJobsOfAKilledOne() {
        postgres.reset();
        // A short lease: the killed replica's jobs go back to the queue 3 s after its last renewal.
        try (GatewayProcess a = GatewayProcess.start("replica-a", config("3s"));
                GatewayProcess b = GatewayProcess.start("replica-b", config("3s"))) {
            List<String> ids = submit(List.of(a), 24, 500);
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    GatewayClient.get(a.url() + "/jobs?status=running").body().get("jobs").size() > 0);
            a.kill9();
            assertAllSucceededWithRightResults(b, ids);
            long rerun = ids.stream().filter(id -> GatewayClient.get(b.url() + "/jobs/" + id).body()
                    .get("attempts").asInt() > 1).count();
            assertTrue(rerun <= 6, "only jobs running on the killed replica (3 each) were run again: " + rerun);
        }
    }
}
