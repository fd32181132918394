package io.slipway.gateway.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.slipway.gateway.error.GatewayError;
import io.slipway.gateway.testing.ModelStack;
import io.slipway.testsupport.Oip;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@code GET /jobs/{id}/events}: a program follows a job's status live, and the stream ends when the job does. */
@QuarkusTest
@WithTestResource(ModelStack.class)
class JobEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aSlowJobIsSeenQueuedOrRunningThenSucceededAndTheStreamEnds() throws Exception {
        // 4 s: the stream is open while the job runs even when a loaded machine is slow to answer the events request.
        String id = JobsApiTest.submit(Oip.job("sample-model", Oip.request(new double[][] {{1, 2, 3, 4}}, 4000)));
        List<JsonNode> events = follow(id, event -> { });
        List<String> statuses = statuses(events);
        assertEquals("succeeded", statuses.get(statuses.size() - 1), "events: " + statuses);
        assertTrue(statuses.contains("running"), "the job was seen running: " + statuses);
        assertInOrder(statuses, List.of("queued", "running", "succeeded"));
        JsonNode last = events.get(events.size() - 1);
        assertEquals(id, last.path("id").asText());
        assertTrue(last.hasNonNull("finishedAt"));
        assertEquals(RestAssured.baseURI + ":" + RestAssured.port + "/jobs/" + id + "/result",
                last.path("links").path("result").asText());
    }

    @Test
    void aFinishedJobGivesOneEventAndTheStreamEnds() throws Exception {
        String id = JobsApiTest.awaitStatus(
                JobsApiTest.submit(Oip.job("sample-model", Oip.request(new double[][] {{0, 0, 0, 0}}, 0))),
                "succeeded");
        assertEquals(List.of("succeeded"), statuses(follow(id, event -> { })));
    }

    @Test
    void aJobThatKeepsFailingEndsFailedAfterItsAttempts() throws Exception {
        String id = JobsApiTest.submit(Oip.job("broken-model", Oip.request(new double[][] {{1, 2, 3, 4}}, 0)));
        List<JsonNode> events = follow(id, event -> { });
        JsonNode last = events.get(events.size() - 1);
        assertEquals("failed", last.path("status").asText(), "events: " + statuses(events));
        assertEquals(3, last.path("attempts").asInt());
        assertTrue(last.path("error").asText().contains("502"), last.toString());
    }

    @Test
    void cancelingARunningJobEndsTheStreamWithCanceled() throws Exception {
        String id = JobsApiTest.submit(Oip.job("sample-model", Oip.request(new double[][] {{1, 1, 1, 1}}, 20_000)));
        List<JsonNode> events = follow(id, event -> {
            if (event.path("status").asText().equals("running")) {
                given().post("/jobs/" + id + "/cancel").then().statusCode(200);
            }
        });
        List<String> statuses = statuses(events);
        assertEquals("canceled", statuses.get(statuses.size() - 1), "events: " + statuses);
    }

    @Test
    void anUnknownOrInvalidJobIsAProblemBeforeAnyStream() {
        given().accept("text/event-stream").get("/jobs/never-submitted/events").then()
                .statusCode(404).contentType("application/problem+json")
                .body("type", equalTo(GatewayError.UNKNOWN_JOB.type().toString()));
        given().accept("text/event-stream").get("/jobs/-bad-/events").then()
                .statusCode(400).contentType("application/problem+json")
                .body("type", equalTo(GatewayError.INVALID_JOB_ID.type().toString()));
    }

    /** Reads the stream to its end (bounded in time), handing each event to {@code onEvent} as it arrives. */
    private static List<JsonNode> follow(String id, Consumer<JsonNode> onEvent) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port
                + "/jobs/" + id + "/events")).header("Accept", "text/event-stream").GET().build();
        HttpResponse<Stream<String>> response = HTTP.send(request, HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<JsonNode> events = new ArrayList<>();
        CompletableFuture<Void> read = CompletableFuture.runAsync(() -> {
            try (Stream<String> lines = response.body()) {
                lines.filter(line -> line.startsWith("data:")).forEach(line -> {
                    try {
                        JsonNode event = JSON.readTree(line.substring("data:".length()));
                        synchronized (events) {
                            events.add(event);
                        }
                        onEvent.accept(event);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        });
        read.get(60, TimeUnit.SECONDS);
        assertTrue(!events.isEmpty(), "at least the job as it is now");
        return events;
    }

    private static List<String> statuses(List<JsonNode> events) {
        List<String> statuses = new ArrayList<>();
        for (JsonNode event : events) {
            String status = event.path("status").asText();
            if (statuses.isEmpty() || !statuses.get(statuses.size() - 1).equals(status)) {
                statuses.add(status);
            }
        }
        return statuses;
    }

    private static void assertInOrder(List<String> seen, List<String> order) {
        int at = -1;
        for (String status : seen) {
            int position = order.indexOf(status);
            assertTrue(position >= at, "status went back: " + seen);
            at = position;
        }
    }
}
