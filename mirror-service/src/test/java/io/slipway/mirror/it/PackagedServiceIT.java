package io.slipway.mirror.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slipway.mirror.registry.Digest;
import io.slipway.mirror.support.DistributionRegistry;
import io.slipway.mirror.support.MirrorProcess;
import io.slipway.mirror.support.RegistryHttp;
import io.slipway.testsupport.Part;
import io.slipway.testsupport.Requirements;
import io.slipway.mirror.support.ThrottlingProxy;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar as a child process: kill -9 during writes, and a 256 MiB heap under big concurrent pulls. */
class PackagedServiceIT {

    private static final String USER = "slipway";
    private static final String PASSWORD = "it-secret";

    @TempDir
    Path work;

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static Path blobData(Path root, Digest d) {
        return root.resolve("blobs/sha256").resolve(d.hex().substring(0, 2)).resolve(d.hex()).resolve("data");
    }

    private static long tempFiles(Path root) throws IOException {
        Path tmp = root.resolve(".tmp");
        if (!Files.exists(tmp)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(tmp)) {
            return s.count();
        }
    }

    private static String sha256(InputStream in) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (in) {
            byte[] buf = new byte[256 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
        }
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }

    @Test
    void killNineMidPullThroughLeavesNoPartialBlobAndThePullWorksAfterRestart() throws Exception {
        Requirements.require(Part.DOCKER_REGISTRY);
        Path root = work.resolve("store");
        byte[] layer = random(8 * 1024 * 1024, 1);
        try (DistributionRegistry upstream = DistributionRegistry.anonymous();
                ThrottlingProxy slow = new ThrottlingProxy(upstream.url(), 2 * 1024 * 1024)) {
            Digest manifest = new RegistryHttp(upstream.url(), null, null).pushImage("t/crash", "v1", layer);
            Digest layerDigest = Digest.sha256(layer);
            Map<String, String> config = Map.of("mirror.upstreams.hub.url", slow.url());

            try (MirrorProcess mirror = new MirrorProcess(root, "256m", config).start()) {
                RegistryHttp client = new RegistryHttp(mirror.url(), null, null);
                HttpResponse<InputStream> r = client.send(client.request("/v2/hub/t/crash/blobs/" + layerDigest),
                        HttpResponse.BodyHandlers.ofInputStream());
                assertEquals(200, r.statusCode());
                byte[] first = r.body().readNBytes(1024 * 1024);
                assertEquals(1024 * 1024, first.length);
                assertEquals(1, tempFiles(root), "the download is in flight in a temp file");
                mirror.kill9();
                r.body().close();
            }
            assertFalse(Files.exists(blobData(root, layerDigest)), "no partial blob is visible after the crash");

            try (MirrorProcess restarted = new MirrorProcess(root, "256m", config).start()) {
                assertEquals(0, tempFiles(root), "the unfinished download was swept at start");
                RegistryHttp client = new RegistryHttp(restarted.url(), null, null);
                HttpResponse<byte[]> m = client.send(client.request("/v2/hub/t/crash/manifests/v1")
                        .header("Accept", "application/vnd.docker.distribution.manifest.v2+json"),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, m.statusCode());
                assertEquals(manifest.toString(), m.headers().firstValue("Docker-Content-Digest").orElseThrow());
                HttpResponse<InputStream> b = client.send(client.request("/v2/hub/t/crash/blobs/" + layerDigest),
                        HttpResponse.BodyHandlers.ofInputStream());
                assertEquals(layerDigest.toString(), sha256(b.body()));
                assertTrue(Files.exists(blobData(root, layerDigest)), "cached after the complete, verified pull");
            }
        }
    }

    @Test
    void killNineMidChunkedUploadLeavesNoPartialBlobAndTheUploadCompletesAfterRestart() throws Exception {
        Path root = work.resolve("store2");
        byte[] blob = random(3 * 1024 * 1024, 2);
        Digest digest = Digest.sha256(blob);
        int chunk = 1024 * 1024;
        String location;
        try (MirrorProcess mirror = new MirrorProcess(root, "256m", Map.of()).start()) {
            RegistryHttp client = new RegistryHttp(mirror.url(), USER, PASSWORD);
            HttpResponse<String> start = client.send(client.request("/v2/t/upload/blobs/uploads/")
                    .POST(HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.ofString());
            assertEquals(202, start.statusCode());
            location = start.headers().firstValue("Location").orElseThrow();
            HttpResponse<String> first = client.send(client.request(location).header("Content-Range", "0-" + (chunk - 1))
                    .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(blob, 0, chunk)),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(202, first.statusCode(), first.body());

            // The second chunk sends half its bytes, then stalls: the service is killed while writing it.
            ExecutorService pool = Executors.newSingleThreadExecutor();
            CompletableFuture<Void> stalled = new CompletableFuture<>();
            InputStream stallingBody = new InputStream() {
                private int sent;

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (sent >= chunk / 2) {
                        try {
                            stalled.get(60, TimeUnit.SECONDS);
                        } catch (Exception e) {
                            // released
                        }
                        throw new IOException("client gave up");
                    }
                    int n = Math.min(len, chunk / 2 - sent);
                    System.arraycopy(blob, chunk + sent, b, off, n);
                    sent += n;
                    return n;
                }
            };
            Future<?> inFlight = pool.submit(() -> client.send(client.request(location)
                    .method("PATCH", HttpRequest.BodyPublishers.ofInputStream(() -> stallingBody)),
                    HttpResponse.BodyHandlers.ofString()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (tempFiles(root) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(1, tempFiles(root), "the second chunk is being written");
            mirror.kill9();
            stalled.complete(null);
            inFlight.cancel(true);
            pool.shutdownNow();
        }
        assertFalse(Files.exists(blobData(root, digest)), "no partial blob after the crash");

        try (MirrorProcess restarted = new MirrorProcess(root, "256m", Map.of()).start()) {
            assertEquals(0, tempFiles(root), "the half-written chunk was swept at start");
            RegistryHttp client = new RegistryHttp(restarted.url(), USER, PASSWORD);
            HttpResponse<String> status = client.send(client.request(location), HttpResponse.BodyHandlers.ofString());
            assertEquals(204, status.statusCode());
            assertEquals("0-" + (chunk - 1), status.headers().firstValue("Range").orElseThrow(),
                    "only the committed first chunk survived");
            HttpResponse<String> rest = client.send(client.request(location)
                    .header("Content-Range", chunk + "-" + (blob.length - 1))
                    .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(blob, chunk, blob.length - chunk)),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(202, rest.statusCode(), rest.body());
            HttpResponse<String> done = client.send(client.request(location + "?digest=" + digest)
                    .PUT(HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, done.statusCode(), done.body());
            HttpResponse<InputStream> b = client.send(client.request("/v2/t/upload/blobs/" + digest),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(digest.toString(), sha256(b.body()));
        }
    }

    @Test
    void tenClientsPullAOneGibBlobFromAService256MibHeap() throws Exception {
        Path root = work.resolve("store3");
        GeneratedBlob blob = new GeneratedBlob(1024L * 1024 * 1024, 3);
        Digest digest = blob.digest();
        try (MirrorProcess mirror = new MirrorProcess(root, "256m", Map.of()).start()) {
            RegistryHttp client = new RegistryHttp(mirror.url(), USER, PASSWORD);
            // Monolithic upload of 1 GiB: streamed to disk, never buffered in the 256 MiB heap.
            HttpResponse<String> up = client.send(client.request("/v2/t/big/blobs/uploads/?digest=" + digest)
                    .header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.fromPublisher(
                            HttpRequest.BodyPublishers.ofInputStream(blob::open), blob.size)),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, up.statusCode(), up.body());
            ExecutorService pool = Executors.newFixedThreadPool(10);
            try {
                List<Future<String>> pulls = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    pulls.add(pool.submit(() -> {
                        HttpResponse<InputStream> r = client.send(client.request("/v2/t/big/blobs/" + digest),
                                HttpResponse.BodyHandlers.ofInputStream());
                        assertEquals(200, r.statusCode());
                        return sha256(r.body());
                    }));
                }
                for (Future<String> f : pulls) {
                    assertEquals(digest.toString(), f.get(300, TimeUnit.SECONDS));
                }
            } finally {
                pool.shutdownNow();
            }
            assertFalse(Files.readString(mirror.log()).contains("OutOfMemoryError"));
            HttpResponse<String> health = client.send(client.request("/q/health/ready"),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
        }
    }
}
