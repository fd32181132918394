package io.slipway.e2e.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.slipway.e2e.ComposeStack;
import io.slipway.e2e.Http;
import io.slipway.e2e.StackExtension;
import io.slipway.testsupport.Oip;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The jobs API on the compose stack: client -> nginx -> inference-gateway (embedded store on its volume) -> nginx ->
 * sample-model. Every number is checked against the model's formula computed here.
 */
@ExtendWith(StackExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayE2EIT {

    /** Job {@code i}: features ((i % 17) / 4, i % 5, -1, 0.5). */
    static String job(int i, long latencyMs) {
        return Oip.job("sample-model", Oip.request(new double[][] {{(i % 17) / 4.0, i % 5, -1, 0.5}}, latencyMs));
    }

    static void assertResult(ComposeStack stack, String id, int i) {
        Http.Reply result = Http.get(stack.frontDoor() + "/jobs/" + id + "/result");
        assertEquals(200, result.status(), result.body());
        JsonNode probability = result.json().get("outputs").get(0);
        assertEquals("probability", probability.get("name").asText());
        assertEquals(Oip.probability((i % 17) / 4.0, i % 5, -1, 0.5), probability.get("data").get(0).asDouble(), 1e-6,
                "job " + i);
    }

    static void awaitAllSucceeded(ComposeStack stack, List<String> ids, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(500)).until(() -> ids.stream().allMatch(id -> {
            Http.Reply reply = Http.get(stack.frontDoor() + "/jobs/" + id);
            return reply.status() == 200 && "succeeded".equals(reply.json().get("status").asText());
        }));
    }

    @Test
    @Order(1)
    void twoHundredJobsCompleteWithCorrectResults(ComposeStack stack) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Http.Reply reply = Http.postJson(stack.frontDoor() + "/jobs", job(i, 0));
            assertEquals(202, reply.status(), reply.body());
            ids.add(reply.json().get("id").asText());
        }
        awaitAllSucceeded(stack, ids, Duration.ofMinutes(3));
        for (int i = 0; i < ids.size(); i++) {
            assertResult(stack, ids.get(i), i);
        }
    }

    @Test
    @Order(2)
    void idempotentPutRetriedFiveTimesMakesOneJob(ComposeStack stack) {
        String id = "e2e-put-" + UUID.randomUUID();
        List<Integer> statuses = new ArrayList<>();
        for (int attempt = 0; attempt < 5; attempt++) {
            Http.Reply reply = Http.send(HttpRequest.newBuilder(URI.create(stack.frontDoor() + "/jobs/" + id))
                    .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(job(7, 0))));
            statuses.add(reply.status());
            assertEquals(id, reply.json().get("id").asText());
        }
        assertEquals(List.of(202, 200, 200, 200, 200), statuses);
        awaitAllSucceeded(stack, List.of(id), Duration.ofSeconds(60));
        JsonNode page = Http.get(stack.frontDoor() + "/jobs?model=sample-model&limit=500").json();
        long copies = 0;
        for (JsonNode job : page.get("jobs")) {
            copies += job.get("id").asText().equals(id) ? 1 : 0;
        }
        assertEquals(1, copies);
        assertEquals(1, Http.get(stack.frontDoor() + "/jobs/" + id).json().get("attempts").asInt());
        assertResult(stack, id, 7);
    }

    @Test
    @Order(3)
    void jobsSurviveAKill9OfTheGatewayContainer(ComposeStack stack) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Http.Reply reply = Http.postJson(stack.frontDoor() + "/jobs", job(i, 300));
            assertEquals(202, reply.status(), reply.body());
            ids.add(reply.json().get("id").asText());
        }
        stack.compose("kill", "-s", "SIGKILL", "inference-gateway");
        stack.compose("start", "inference-gateway");
        stack.awaitHealthy();
        awaitAllSucceeded(stack, ids, Duration.ofMinutes(2));
        for (int i = 0; i < ids.size(); i++) {
            assertResult(stack, ids.get(i), i);
        }
        Http.Reply ready = Http.get(stack.frontDoor() + "/v2/models/sample-model/ready");
        assertEquals(200, ready.status(), ready.body());
        assertTrue(ready.json().get("ready").asBoolean(), ready.body());
    }
}
