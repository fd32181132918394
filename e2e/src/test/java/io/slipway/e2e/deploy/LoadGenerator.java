package io.slipway.e2e.deploy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A paced load generator (open loop, default ~200 req/s) over HTTP/1.1 keep-alive connections to one URL. One in
 * {@code slowEvery} requests asks the model for a 2 s answer. Inference is a POST, which the JDK client never
 * retries, so every connection the server drops counts. Bounded: it stops when closed or at {@code maxRun}.
 */
final class LoadGenerator implements AutoCloseable {

    static final String BODY = "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\","
            + "\"data\":[1,2,3,4]}]%s}";
    private static final Pattern VERSION = Pattern.compile("\"model_version\"\\s*:\\s*\"([^\"]*)\"");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    private final URI uri;
    private final int slowEvery;
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger ok = new AtomicInteger();
    private final AtomicInteger non2xx = new AtomicInteger();
    private final AtomicInteger errors = new AtomicInteger();
    private final Map<String, AtomicInteger> versions = new ConcurrentHashMap<>();
    private final StringBuffer problems = new StringBuffer();
    private final long stopAt;

    LoadGenerator(String url, int perSecond, int slowEvery, Duration maxRun) {
        this.uri = URI.create(url);
        this.slowEvery = slowEvery;
        this.stopAt = System.nanoTime() + maxRun.toNanos();
        ticker.scheduleAtFixedRate(this::fire, 0, 1_000_000 / perSecond, TimeUnit.MICROSECONDS);
    }

    private void fire() {
        if (System.nanoTime() > stopAt || inFlight.get() > 2_000) {
            return;
        }
        int n = sent.incrementAndGet();
        String params = slowEvery > 0 && n % slowEvery == 0 ? ",\"parameters\":{\"latency_ms\":2000}" : "";
        inFlight.incrementAndGet();
        http.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(String.format(BODY, params))).build(),
                HttpResponse.BodyHandlers.ofString())
                .whenComplete((r, e) -> {
                    inFlight.decrementAndGet();
                    if (e != null) {
                        errors.incrementAndGet();
                        note(e.toString());
                    } else if (r.statusCode() / 100 != 2) {
                        non2xx.incrementAndGet();
                        note("HTTP " + r.statusCode() + ": " + r.body());
                    } else {
                        ok.incrementAndGet();
                        Matcher m = VERSION.matcher(r.body());
                        versions.computeIfAbsent(m.find() ? m.group(1) : "?", k -> new AtomicInteger())
                                .incrementAndGet();
                    }
                });
    }

    private void note(String problem) {
        if (problems.length() < 3000) {
            problems.append(problem).append('\n');
        }
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

    int sent() {
        return sent.get();
    }

    int ok() {
        return ok.get();
    }

    int failures() {
        return non2xx.get() + errors.get();
    }

    int non2xx() {
        return non2xx.get();
    }

    int errors() {
        return errors.get();
    }

    Map<String, Integer> versions() {
        Map<String, Integer> copy = new TreeMap<>();
        versions.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    @Override
    public String toString() {
        return uri.getPath() + ": sent=" + sent() + " ok=" + ok() + " non2xx=" + non2xx() + " errors=" + errors()
                + " versions=" + versions() + (problems.length() > 0 ? "\n" + problems : "");
    }
}
