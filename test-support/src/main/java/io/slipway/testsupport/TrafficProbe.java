package io.slipway.testsupport;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client that keeps inference requests going to the sample model through nginx while a test deploys, one after
 * the other on a keep-alive connection (POST, so the JDK client never retries one), and counts what came back.
 * Bounded: it stops when closed or after 5 minutes. For a paced load with many connections see {@link LoadGenerator}.
 */
public final class TrafficProbe implements AutoCloseable {

    /** The request body it sends ({@link Oip#ONE_ROW}). */
    public static final String BODY = Oip.ONE_ROW;

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final TrafficTally tally = new TrafficTally();
    private final Thread thread;

    /** Sends to {@code <baseUrl>/models/sample-model/v2/models/sample-model/infer}. */
    public TrafficProbe(String baseUrl) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI uri = URI.create(baseUrl + "/models/sample-model/v2/models/sample-model/infer");
        thread = new Thread(() -> {
            long stopAt = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (running.get() && System.nanoTime() < stopAt) {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    tally.answered(r.statusCode(), r.body());
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    tally.failed(e);
                }
            }
        }, "traffic-probe");
        thread.setDaemon(true);
        thread.start();
    }

    public Map<String, Integer> versions() {
        return tally.versions();
    }

    public int non2xx() {
        return tally.non2xx();
    }

    public int errors() {
        return tally.errors();
    }

    public int answered() {
        return tally.answered();
    }

    public String problems() {
        return tally.problems();
    }

    /** Stops after the request under way (idempotent). */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(15_000);
    }

    @Override
    public String toString() {
        return tally.toString();
    }
}
