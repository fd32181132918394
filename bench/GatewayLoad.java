import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Open-loop load for bench/gateway.sh: POSTs a small OIP inference request at a fixed rate to each URL in turn
 * (rounds alternate, so both see the same machine noise) and prints p50/p99 latency per URL. Latency is measured
 * from each request's scheduled start, so a stalled server cannot hide queueing (no coordinated omission).
 *
 *   java bench/GatewayLoad.java RATE SECONDS_PER_ROUND ROUNDS NAME=URL [NAME=URL...]
 */
public class GatewayLoad {

    static final String BODY = "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\","
            + "\"data\":[1,2,3,4]}]}";

    public static void main(String[] args) throws Exception {
        int rate = Integer.parseInt(args[0]);
        int seconds = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        String[] names = new String[args.length - 3];
        String[] urls = new String[args.length - 3];
        for (int i = 3; i < args.length; i++) {
            names[i - 3] = args[i].substring(0, args[i].indexOf('='));
            urls[i - 3] = args[i].substring(args[i].indexOf('=') + 1);
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(4)).connectTimeout(Duration.ofSeconds(2)).build();
        for (String url : urls) {
            run(client, url, rate, 5); // warm-up: JIT, connection pools
        }
        long[][] all = new long[urls.length][0];
        int[] errors = new int[urls.length];
        for (int round = 0; round < rounds; round++) {
            for (int u = 0; u < urls.length; u++) {
                Result result = run(client, urls[u], rate, seconds);
                all[u] = concat(all[u], result.latenciesMicros);
                errors[u] += result.errors;
            }
        }
        for (int u = 0; u < urls.length; u++) {
            long[] sorted = all[u].clone();
            Arrays.sort(sorted);
            System.out.printf("%s requests=%d errors=%d p50_ms=%.3f p99_ms=%.3f%n", names[u], sorted.length,
                    errors[u], pct(sorted, 0.50) / 1000.0, pct(sorted, 0.99) / 1000.0);
        }
        System.exit(0);
    }

    record Result(long[] latenciesMicros, int errors) {}

    static Result run(HttpClient client, String url, int rate, int seconds) throws Exception {
        int total = rate * seconds;
        long[] latencies = new long[total];
        AtomicInteger errors = new AtomicInteger();
        CompletableFuture<?>[] calls = new CompletableFuture<?>[total];
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        long start = System.nanoTime();
        long intervalNanos = 1_000_000_000L / rate;
        CompletableFuture<Void> scheduled = new CompletableFuture<>();
        AtomicInteger next = new AtomicInteger();
        ticker.scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            // Catch up on every request whose scheduled time has passed (the ticker may run late).
            while (next.get() < total && start + next.get() * intervalNanos <= now) {
                int i = next.getAndIncrement();
                long intended = start + i * intervalNanos;
                calls[i] = client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                        .whenComplete((response, failure) -> {
                            latencies[i] = (System.nanoTime() - intended) / 1000;
                            if (failure != null || response.statusCode() != 200) {
                                errors.incrementAndGet();
                            }
                        });
            }
            if (next.get() >= total) {
                scheduled.complete(null);
            }
        }, 0, 200, TimeUnit.MICROSECONDS);
        scheduled.get(seconds + 30L, TimeUnit.SECONDS);
        ticker.shutdownNow();
        CompletableFuture.allOf(calls).exceptionally(t -> null).get(30, TimeUnit.SECONDS);
        return new Result(latencies, errors.get());
    }

    static long pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    static long[] concat(long[] a, long[] b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
