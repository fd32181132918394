package io.slipway.testsupport;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A paced load generator (open loop) of OIP inference requests over HTTP/1.1 keep-alive connections to one URL. One
 * in {@code slowEvery} requests asks the model for a 2 s answer. Inference is a POST, which the JDK client never
 * retries, so every connection the server drops counts. Bounded: it stops when closed, at {@code maxRun}, and while
 * {@link #MAX_IN_FLIGHT} requests are under way (a tick then sends nothing and is counted as skipped).
 */
public final class LoadGenerator implements AutoCloseable {

    /**
     * Most requests under way at once. The JDK client opens a connection per HTTP/1.1 request in flight, so while a
     * loaded machine stalls the server a paced load piles up connections; at 2,000 a generator, two of them took a
     * published port's docker-proxy to its 20,000 open files within seconds (17,345 measured) and it exited, leaving
     * the port closed for the rest of the test class. A few hundred still covers a held or slow phase (100/s for 5 s).
     */
    static final int MAX_IN_FLIGHT = 500;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "load-generator");
        t.setDaemon(true);
        return t;
    });
    private final URI uri;
    private final int slowEvery;
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger skipped = new AtomicInteger();
    private final TrafficTally tally = new TrafficTally();
    private final long stopAt;

    /** Starts sending {@code perSecond} requests a second to {@code url} (a model's {@code .../infer}). */
    public LoadGenerator(String url, int perSecond, int slowEvery, Duration maxRun) {
        this.uri = URI.create(url);
        this.slowEvery = slowEvery;
        this.stopAt = System.nanoTime() + maxRun.toNanos();
        ticker.scheduleAtFixedRate(this::fire, 0, 1_000_000 / perSecond, TimeUnit.MICROSECONDS);
    }

    private void fire() {
        if (System.nanoTime() > stopAt) {
            return;
        }
        if (inFlight.get() >= MAX_IN_FLIGHT) {
            skipped.incrementAndGet();
            return;
        }
        int n = sent.incrementAndGet();
        String body = Oip.request(slowEvery > 0 && n % slowEvery == 0 ? 2000 : 0);
        inFlight.incrementAndGet();
        http.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString())
                .whenComplete((r, e) -> {
                    inFlight.decrementAndGet();
                    if (e != null) {
                        tally.failed(e);
                    } else {
                        tally.answered(r.statusCode(), r.body());
                    }
                });
    }

    /** Stops sending and waits (up to 40 s) for the answers still under way. */
    @Override
    public void close() throws InterruptedException {
        ticker.shutdownNow();
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    public int sent() {
        return sent.get();
    }

    /** Ticks that sent nothing because {@link #MAX_IN_FLIGHT} requests were under way. */
    public int skipped() {
        return skipped.get();
    }

    /** 2xx answers. */
    public int ok() {
        return tally.answered();
    }

    public int failures() {
        return tally.failures();
    }

    public int non2xx() {
        return tally.non2xx();
    }

    public int errors() {
        return tally.errors();
    }

    public Map<String, Integer> versions() {
        return tally.versions();
    }

    @Override
    public String toString() {
        return uri.getPath() + ": sent=" + sent() + " skipped=" + skipped() + " " + tally;
    }
}
