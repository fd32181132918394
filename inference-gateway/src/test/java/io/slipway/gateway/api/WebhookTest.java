package io.slipway.gateway.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.slipway.gateway.testing.ModelStack;
import io.slipway.testsupport.Oip;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A real HTTP receiver on 127.0.0.1 gets each finished job, HMAC-signed, retried after a failure. */
@QuarkusTest
@WithTestResource(ModelStack.class)
class WebhookTest {

    record Delivery(String body, String timestamp, String signature) {}

    static HttpServer receiver;
    static final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    static final AtomicInteger calls = new AtomicInteger();

    @BeforeAll
    static void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            // The first delivery fails, so the gateway has to retry it.
            int status = calls.incrementAndGet() == 1 ? 500 : 204;
            if (status == 204) {
                deliveries.add(new Delivery(new String(body, StandardCharsets.UTF_8),
                        exchange.getRequestHeaders().getFirst("X-Slipway-Timestamp"),
                        exchange.getRequestHeaders().getFirst("X-Slipway-Signature")));
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.stop(0);
    }

    @Test
    void finishedJobIsPostedSignedToItsWebhookAfterARetry() throws Exception {
        String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        String id = JobsApiTest.submit(Oip.job("sample-model", Oip.request(new double[][] {{1, 2, 3, 4}}, 0))
                .replaceFirst("\\{", "{\"webhook\":\"" + hook + "\","));
        await().atMost(Duration.ofSeconds(30)).until(() -> !deliveries.isEmpty());
        Delivery delivery = deliveries.get(0);
        JsonPath job = JsonPath.from(delivery.body());
        assertEquals(id, job.getString("id"));
        assertEquals("succeeded", job.getString("status"));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(ModelStack.WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = "sha256=" + HexFormat.of().formatHex(
                mac.doFinal((delivery.timestamp() + "." + delivery.body()).getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected, delivery.signature());
        assertTrue(calls.get() >= 2, "the failed first delivery was retried");
        // The delivery is recorded after the receiver's answer, on the gateway's own thread: wait for it.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().get("/jobs/" + id).then().body("webhook.state", equalTo("delivered"))
                        .body("webhook.url", equalTo(hook)));
    }
}
