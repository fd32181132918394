package io.slipway.deploy.hold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slipway.deploy.fakes.FakeDeployConfig;
import io.slipway.deploy.proxy.Route;
import io.slipway.testsupport.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hold listener over real HTTP (Vert.x on 127.0.0.1, a small HTTP server standing in for the released model):
 * a held request waits, is answered by the backend it is released to, and one held too long gets 503 problem+json
 * with Retry-After; a request that arrives after a released hold ended (from an older nginx worker) still gets its
 * answer from the released backend, for the drain timeout.
 */
class HoldProxyTest {

    private final Vertx vertx = Vertx.vertx();
    /** Drain timeout 60 s: how long an ended, released hold goes on forwarding late arrivals. */
    private final FakeDeployConfig config = new FakeDeployConfig(Duration.ofSeconds(5), Duration.ofSeconds(60));
    private final HttpClient http = HttpClient.newHttpClient();
    private HoldProxy hold;
    private HttpServer model;

    @BeforeEach
    void start() throws Exception {
        // The "model": echoes what it was asked, as the new color would answer.
        model = vertx.createHttpServer().requestHandler(r -> r.body().onSuccess(b -> r.response()
                .putHeader("Content-Type", "application/json").putHeader("X-Model", "new")
                .end("{\"uri\":\"" + r.uri() + "\",\"body\":" + b + "}")));
        model.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        hold = new HoldProxy(config, vertx);
        hold.onStart(null);
    }

    @AfterEach
    void stop() throws Exception {
        hold.onStop(null);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private CompletableFuture<HttpResponse<String>> infer(String service) {
        return infer(hold, service);
    }

    private CompletableFuture<HttpResponse<String>> infer(HoldProxy hold, String service) {
        int port = hold.route(service, "d-1").backends().get(0).port();
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hold/" + service
                        + "/v2/models/m/infer?x=1")).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\":[]}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aHeldRequestWaitsUntilReleasedAndIsAnsweredByTheNewBackend() throws Exception {
        hold.hold("svc");
        CompletableFuture<HttpResponse<String>> held = infer("svc");
        Await.until("the request is parked", Duration.ofSeconds(20), () -> hold.parked("svc") == 1);
        Thread.sleep(300); // held, not answered, while no backend is released
        assertTrue(!held.isDone(), "answered before the release");

        hold.release("svc", List.of(new Route.Backend("127.0.0.1", model.actualPort())));
        HttpResponse<String> answer = held.get(20, TimeUnit.SECONDS);

        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals("{\"uri\":\"/v2/models/m/infer?x=1\",\"body\":{\"inputs\":[]}}", answer.body());
        assertEquals("new", answer.headers().firstValue("X-Model").orElse(""));
        // Requests that arrive after the release go straight on.
        assertEquals(200, infer("svc").get(20, TimeUnit.SECONDS).statusCode());
        RequestHold.Held summary = hold.end("svc");
        assertEquals(1, summary.released(), summary.toString());
        assertEquals(0, summary.timedOut());
    }

    @Test
    void aRequestHeldPastTheHoldTimeoutGets503WithRetryAfter() throws Exception {
        config.holdTimeout(Duration.ofMillis(200));
        hold.hold("svc");

        HttpResponse<String> answer = infer("svc").get(20, TimeUnit.SECONDS);

        assertEquals(503, answer.statusCode());
        assertEquals("1", answer.headers().firstValue("Retry-After").orElse(""));
        assertEquals("application/problem+json", answer.headers().firstValue("Content-Type").orElse(""));
        assertTrue(answer.body().contains("\"status\":503") && answer.body().contains("hold timeout"), answer.body());
        assertEquals(1, hold.end("svc").timedOut());
    }

    @Test
    void aRequestForAServiceThatIsNotHeldGets503AtOnce() throws Exception {
        HttpResponse<String> answer = infer("other").get(20, TimeUnit.SECONDS);

        assertEquals(503, answer.statusCode());
        assertTrue(answer.body().contains("no requests of other are held"), answer.body());
    }

    @Test
    void endingAHoldAnswersWhatIsStillParkedWith503() throws Exception {
        hold.hold("svc");
        CompletableFuture<HttpResponse<String>> held = infer("svc");
        Await.until("the request is parked", Duration.ofSeconds(20), () -> hold.parked("svc") == 1);

        RequestHold.Held summary = hold.end("svc");

        assertEquals(503, held.get(20, TimeUnit.SECONDS).statusCode());
        assertEquals(1, summary.timedOut(), summary.toString());
    }

    @Test
    void aRequestThatArrivesAfterAReleasedHoldEndedStillReachesTheReleasedBackend() throws Exception {
        hold.hold("svc");
        CompletableFuture<HttpResponse<String>> held = infer("svc");
        Await.until("the request is parked", Duration.ofSeconds(20), () -> hold.parked("svc") == 1);
        hold.release("svc", List.of(new Route.Backend("127.0.0.1", model.actualPort())));
        assertEquals(200, held.get(20, TimeUnit.SECONDS).statusCode());

        // nginx routes to the backend itself now; the hold ends at once, without waiting for nginx's older workers.
        RequestHold.Held summary = hold.end("svc");
        assertEquals(1, summary.released(), summary.toString());

        // What such an older worker still sends here is answered by the released backend, not refused.
        HttpResponse<String> late = infer("svc").get(20, TimeUnit.SECONDS);
        assertEquals(200, late.statusCode(), late.body());
        assertEquals("new", late.headers().firstValue("X-Model").orElse(""));
        // A new hold of the service starts afresh: it parks again.
        hold.hold("svc");
        CompletableFuture<HttpResponse<String>> again = infer("svc");
        Await.until("the request is parked by the new hold", Duration.ofSeconds(20), () -> hold.parked("svc") == 1);
        assertTrue(!again.isDone(), "the new hold parks");
        assertEquals(1, hold.end("svc").timedOut());
        assertEquals(503, again.get(20, TimeUnit.SECONDS).statusCode());
    }

    @Test
    void anEndedHoldStopsForwardingOnceTheDrainTimeoutHasPassed() throws Exception {
        HoldProxy brief = new HoldProxy(new FakeDeployConfig(Duration.ofSeconds(5), Duration.ofMillis(1)), vertx);
        brief.onStart(null);
        try {
            brief.hold("svc");
            brief.release("svc", List.of(new Route.Backend("127.0.0.1", model.actualPort())));
            brief.end("svc");
            Await.until("late arrivals are refused once the drain timeout is over", Duration.ofSeconds(20),
                    () -> infer(brief, "svc").get(20, TimeUnit.SECONDS).statusCode() == 503);
            assertTrue(infer(brief, "svc").get(20, TimeUnit.SECONDS).body().contains("no requests of svc are held"));
        } finally {
            brief.onStop(null);
        }
    }
}
