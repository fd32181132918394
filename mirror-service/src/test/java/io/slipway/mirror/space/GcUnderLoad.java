package io.slipway.mirror.space;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.slipway.mirror.registry.Digest;
import io.slipway.mirror.support.RegistryHttp;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import io.slipway.testsupport.Await;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Garbage collection in a loop while clients push, pull and delete, on one store (filesystem and S3 subclasses):
 * every pull, of every image that exists, gets every digest right; the garbage the churn leaves is reclaimed; an
 * upload left open across the whole run completes.
 */
abstract class GcUnderLoad {

    static final String USER = "slipway";
    static final String PASSWORD = "test-secret";
    /**
     * Longer than a push of three small blobs and its manifest takes on a loaded 2-core machine with s3proxy (a blob
     * older than the grace period that no manifest references yet is garbage by definition).
     */
    private static final String GRACE = "10s";
    private static final int PUSHERS = 2;
    private static final int PULLERS = 2;

    /** Images each pusher pushes, pulls and deletes (s3proxy's filesystem backend lists slowly: fewer there). */
    abstract int churnPerPusher();

    private static byte[] random(Random r, int min, int max) {
        byte[] b = new byte[min + r.nextInt(max - min)];
        r.nextBytes(b);
        return b;
    }

    static JsonPath gc(String query) {
        return given().auth().preemptive().basic(USER, PASSWORD).post("/admin/gc" + query).then().statusCode(200)
                .extract().jsonPath();
    }

    @Test
    void gcInALoopNeverBreaksAPullWhileOthersPushPullAndDelete() throws Exception {
        String base = "http://127.0.0.1:" + RestAssured.port;
        RegistryHttp client = new RegistryHttp(base, USER, PASSWORD);
        String repo = "t/gc-load-" + getClass().getSimpleName().toLowerCase();
        Random seed = new Random(42);
        byte[] shared = random(seed, 200_000, 300_000); // in every image, live and churned
        List<String> live = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            client.pushImage(repo, "live-" + i, "live-" + i, List.of(shared, random(seed, 50_000, 150_000)));
            live.add("live-" + i);
        }
        // An upload left open for the whole run: a chunk now, the rest afterwards.
        byte[] slow = random(seed, 100_000, 120_000);
        HttpResponse<String> started = client.send(client.request("/v2/" + repo + "/blobs/uploads/")
                .POST(HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, started.statusCode(), started.body());
        URI upload = URI.create(base).resolve(started.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> chunk = client.send(client.request(upload.getRawPath() + query(upload))
                .header("Content-Type", "application/octet-stream")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(java.util.Arrays.copyOf(slow, 50_000))),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(202, chunk.statusCode(), chunk.body());
        URI next = URI.create(base).resolve(chunk.headers().firstValue("Location").orElseThrow());

        AtomicBoolean pushing = new AtomicBoolean(true);
        java.util.concurrent.Semaphore pushed = new java.util.concurrent.Semaphore(0); // a collection per push
        AtomicInteger pulls = new AtomicInteger();
        AtomicInteger gcRuns = new AtomicInteger();
        AtomicLong reclaimedDuringLoad = new AtomicLong();
        Queue failures = new Queue();
        ExecutorService pool = Executors.newFixedThreadPool(PUSHERS + PULLERS + 1);
        List<Future<?>> pushers = new ArrayList<>();
        try {
            for (int p = 0; p < PUSHERS; p++) {
                int pusher = p;
                pushers.add(pool.submit(() -> {
                    Random r = new Random(100 + pusher);
                    for (int j = 0; j < churnPerPusher(); j++) {
                        String tag = "churn-" + pusher + "-" + j;
                        int round = j;
                        // Collections and pushes interleave: at most one push ahead of the collector.
                        Await.until("a collection since push " + (j - 1), Duration.ofMinutes(2),
                                () -> gcRuns.get() >= round - 1 || !failures.list().isEmpty());
                        try {
                            Digest d = client.pushImage(repo, tag, tag, List.of(shared, random(r, 20_000, 80_000)));
                            client.pullVerified(repo, tag);
                            client.pullVerified(repo, d.toString());
                            HttpResponse<String> del = client.send(client.request("/v2/" + repo + "/manifests/" + d)
                                    .DELETE(), HttpResponse.BodyHandlers.ofString());
                            if (del.statusCode() != 202) {
                                failures.add("delete " + tag + ": " + del.statusCode() + " " + del.body());
                            }
                        } catch (Exception e) {
                            failures.add("push/pull " + tag + ": " + e.getMessage());
                        }
                        pushed.release();
                    }
                }));
            }
            for (int p = 0; p < PULLERS; p++) {
                int puller = p;
                pool.submit(() -> {
                    Random r = new Random(200 + puller);
                    while (pushing.get()) {
                        String tag = live.get(r.nextInt(live.size()));
                        try {
                            client.pullVerified(repo, tag);
                            pulls.incrementAndGet();
                        } catch (Exception e) {
                            failures.add("pull " + tag + ": " + e.getMessage());
                        }
                    }
                });
            }
            pool.submit(() -> {
                while (pushing.get()) {
                    try {
                        if (!pushed.tryAcquire(1, TimeUnit.SECONDS)) {
                            continue;
                        }
                        reclaimedDuringLoad.addAndGet(gc("?grace=" + GRACE).getLong("bytesReclaimed"));
                        gcRuns.incrementAndGet();
                    } catch (Throwable e) {
                        failures.add("gc: " + e.getMessage());
                    }
                }
            });
            for (Future<?> f : pushers) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pushing.set(false);
            pool.shutdown();
            assertTrue(pool.awaitTermination(2, TimeUnit.MINUTES), "load stopped");
        }
        assertEquals(List.of(), failures.list(), "no push, pull or collection failed");
        assertTrue(gcRuns.get() >= churnPerPusher() - 1, "collections ran during the load: " + gcRuns);
        assertTrue(pulls.get() >= PULLERS, "pulls ran during the load: " + pulls);

        // What the churn left: configs, unique layers and manifests of the deleted images. Once past the grace period
        // (no sleep: the collection itself is told to take everything that nothing references).
        JsonPath last = gc("?grace=0s");
        long reclaimed = reclaimedDuringLoad.get() + last.getLong("bytesReclaimed");
        assertTrue(reclaimed > PUSHERS * churnPerPusher() * 20_000L, "churned images reclaimed: " + reclaimed);
        for (String tag : live) {
            client.pullVerified(repo, tag);
        }
        HttpResponse<String> done = client.send(client.request(next.getRawPath() + query(next)
                + (next.getRawQuery() == null ? "?" : "&") + "digest=" + Digest.sha256(slow))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(java.util.Arrays.copyOfRange(slow, 50_000, slow.length))),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, done.statusCode(), "the upload open across the run completes: " + done.body());
        given().get("/v2/" + repo + "/blobs/" + Digest.sha256(slow)).then().statusCode(200);
    }

    private static String query(URI uri) {
        return uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    }

    /** Failures from the load threads, in order. */
    private static final class Queue {
        private final ConcurrentLinkedQueue<String> items = new ConcurrentLinkedQueue<>();

        void add(String failure) {
            items.add(failure);
        }

        List<String> list() {
            return Collections.unmodifiableList(new ArrayList<>(items));
        }
    }
}
