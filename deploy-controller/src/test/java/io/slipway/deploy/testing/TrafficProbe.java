package io.slipway.deploy.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps inference requests going through nginx (keep-alive; POST, so the JDK client never retries them) while a test
 * deploys, and counts what came back: answers by model version, non-2xx, connection errors. Bounded: it stops when
 * closed or after 5 minutes.
 */
public final class TrafficProbe implements AutoCloseable {

    public static final String BODY = "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\","
            + "\"data\":[1,2,3,4]}]}";
    private static final Pattern VERSION = Pattern.compile("\"model_version\"\\s*:\\s*\"([^\"]*)\"");

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Map<String, AtomicInteger> versions = new ConcurrentHashMap<>();
    private final AtomicInteger non2xx = new AtomicInteger();
    private final AtomicInteger errors = new AtomicInteger();
    private final StringBuffer firstProblems = new StringBuffer();
    private final Thread thread;

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
                    if (r.statusCode() / 100 != 2) {
                        non2xx.incrementAndGet();
                        note("HTTP " + r.statusCode() + " " + r.body());
                    } else {
                        Matcher m = VERSION.matcher(r.body());
                        versions.computeIfAbsent(m.find() ? m.group(1) : "?", k -> new AtomicInteger())
                                .incrementAndGet();
                    }
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    errors.incrementAndGet();
                    note(e.toString());
                }
            }
        }, "traffic-probe");
        thread.setDaemon(true);
        thread.start();
    }

    private void note(String problem) {
        if (firstProblems.length() < 2000) {
            firstProblems.append(problem).append('\n');
        }
    }

    public Map<String, Integer> versions() {
        Map<String, Integer> copy = new java.util.TreeMap<>();
        versions.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    public int non2xx() {
        return non2xx.get();
    }

    public int errors() {
        return errors.get();
    }

    public int answered() {
        return versions.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    public String problems() {
        return firstProblems.toString();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(15_000);
    }

    @Override
    public String toString() {
        return "answered=" + versions() + " non2xx=" + non2xx() + " errors=" + errors() + "\n" + problems();
    }
}
