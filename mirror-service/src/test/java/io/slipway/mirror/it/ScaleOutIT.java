package io.slipway.mirror.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.slipway.mirror.registry.Digest;
import io.slipway.mirror.storage.S3ProxyServer;
import io.slipway.mirror.support.DistributionRegistry;
import io.slipway.mirror.support.MirrorProcess;
import io.slipway.testsupport.Processes;
import io.slipway.mirror.support.RegistryHttp;
import io.slipway.testsupport.Part;
import io.slipway.testsupport.Requirements;
import io.slipway.mirror.support.ThrottlingProxy;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mirror per node on one bucket: two packaged mirrors on one s3proxy bucket and prefix, configured by environment
 * variables as containers would be, with one upstream (throttled, so that downloads overlap).
 */
class ScaleOutIT {

    private static final String BUCKET = "slipway-nodes";
    private static final String USER = "slipway";
    private static final String PASSWORD = "it-secret";

    @TempDir
    Path work;

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static Map<String, String> env(S3ProxyServer s3, String upstream) {
        Map<String, String> env = new HashMap<>();
        env.put("MIRROR_STORAGE_TYPE", "s3");
        env.put("MIRROR_STORAGE_S3_BUCKET", BUCKET);
        env.put("MIRROR_STORAGE_S3_PREFIX", "registry");
        env.put("MIRROR_STORAGE_S3_ENDPOINT", s3.endpoint().toString());
        env.put("MIRROR_STORAGE_S3_PATH_STYLE", "true");
        env.put("MIRROR_STORAGE_S3_PART_SIZE_MIB", "5");
        env.put("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY);
        env.put("AWS_REGION", "us-east-1");
        env.put("MIRROR_AUTH_TOKEN_KEY", "one-secret-for-every-node");
        env.put("MIRROR_PROXY_TAG_TTL", "5S");
        env.put("MIRROR_UPSTREAMS_HUB_URL", upstream);
        return env;
    }

    /** Blob objects in the bucket (behind the S3 API: the backend's files). */
    private static List<Path> blobObjects(S3ProxyServer s3) throws Exception {
        Path blobs = s3.bucketDir(BUCKET).resolve("registry/blobs");
        try (Stream<Path> all = Files.walk(blobs)) {
            return all.filter(Files::isRegularFile).toList();
        }
    }

    private static String skopeoCopy(MirrorProcess mirror, String image, Path dest) {
        Processes.Result r = Processes.exec(300, "skopeo", "copy", "--src-tls-verify=false",
                "docker://" + mirror.hostPort() + "/" + image, "dir:" + dest);
        assertTrue(r.ok(), "skopeo through " + mirror.hostPort() + ": " + r.output());
        return r.output();
    }

    @Test
    void twoMirrorsOnOneBucketShareContentTokensAndTagFreshness() throws Exception {
        Requirements.require(Part.DOCKER_REGISTRY);
        Requirements.require(Part.SKOPEO);
        byte[] layer = random(12 * 1024 * 1024, 7);
        Digest layerDigest = Digest.sha256(layer);
        try (S3ProxyServer s3 = S3ProxyServer.start(BUCKET);
                DistributionRegistry upstream = DistributionRegistry.anonymous();
                ThrottlingProxy slow = new ThrottlingProxy(upstream.url(), 4 * 1024 * 1024)) {
            RegistryHttp hub = new RegistryHttp(upstream.url(), null, null);
            Digest manifest = hub.pushImage("t/model", "v1", layer);
            Map<String, String> env = env(s3, slow.url());
            try (MirrorProcess a = new MirrorProcess(work.resolve("a"), "256m", Map.of()).withEnv(env).start();
                    MirrorProcess b = new MirrorProcess(work.resolve("b"), "256m", Map.of()).withEnv(env).start()) {

                // The same cold image through both nodes at once: both pulls verify, the bucket holds it once.
                ExecutorService pool = Executors.newFixedThreadPool(2);
                try {
                    Future<String> viaA = pool.submit(() -> skopeoCopy(a, "hub/t/model:v1", work.resolve("pa")));
                    Future<String> viaB = pool.submit(() -> skopeoCopy(b, "hub/t/model:v1", work.resolve("pb")));
                    viaA.get(300, TimeUnit.SECONDS);
                    viaB.get(300, TimeUnit.SECONDS);
                } finally {
                    pool.shutdownNow();
                }
                List<Path> objects = blobObjects(s3);
                assertEquals(3, objects.size(), "config, layer and manifest, each once: " + objects);
                Path layerObject = objects.stream().filter(p -> p.toString().contains(layerDigest.hex()))
                        .findFirst().orElseThrow();
                assertEquals(layerDigest, Digest.sha256(Files.readAllBytes(layerObject)), "stored intact");

                // Pushed through A: pullable through B at once.
                RegistryHttp pushA = new RegistryHttp(a.url(), USER, PASSWORD);
                byte[] own = random(6 * 1024 * 1024, 8);
                Digest ownManifest = pushA.pushImage("models/ranker", "2.0", own);
                RegistryHttp pullB = new RegistryHttp(b.url(), null, null);
                HttpResponse<byte[]> m = pullB.send(pullB.request("/v2/models/ranker/manifests/2.0")
                        .header("Accept", "application/vnd.docker.distribution.manifest.v2+json"),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, m.statusCode());
                assertEquals(ownManifest.toString(), m.headers().firstValue("Docker-Content-Digest").orElseThrow());
                HttpResponse<byte[]> blob = pullB.send(pullB.request("/v2/models/ranker/blobs/" + Digest.sha256(own)),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, blob.statusCode());
                assertEquals(Digest.sha256(own), Digest.sha256(blob.body()));

                // A token that A issued is valid on B (shared MIRROR_AUTH_TOKEN_KEY).
                HttpResponse<String> issued = new RegistryHttp(a.url(), USER, PASSWORD).send(
                        new RegistryHttp(a.url(), USER, PASSWORD).request("/auth/token?scope=repository:models/x:push"),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, issued.statusCode(), issued.body());
                String token = new ObjectMapper().readTree(issued.body()).path("token").asText();
                HttpResponse<String> startOnB = pullB.send(HttpRequest.newBuilder(
                        java.net.URI.create(b.url() + "/v2/models/x/blobs/uploads/"))
                        .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(202, startOnB.statusCode(), "B accepts A's token for a push: " + startOnB.body());
                HttpResponse<String> forged = pullB.send(HttpRequest.newBuilder(
                        java.net.URI.create(b.url() + "/v2/models/x/blobs/uploads/"))
                        .header("Authorization", "Bearer " + tampered(token))
                        .POST(HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.ofString());
                assertEquals(401, forged.statusCode(), forged.body());

                // Tag freshness agrees: a tag re-validated through A is fresh on B, and B serves what A found.
                String path = "/v2/t/model/manifests/v1";
                Thread.sleep(5_500); // the TTL (5 s) runs out
                long heads = upstream.count("HEAD", path, 200);
                long gets = upstream.count("GET", path, 200);
                assertEquals(manifest.toString(), manifestDigest(a, "hub/t/model:v1"));
                assertEquals(heads + 1, upstream.count("HEAD", path, 200), "A re-validated with a HEAD");
                assertEquals(manifest.toString(), manifestDigest(b, "hub/t/model:v1"));
                assertEquals(heads + 1, upstream.count("HEAD", path, 200), "fresh on B too: no HEAD of its own");
                Digest moved = hub.pushImage("t/model", "v1", random(1024, 9));
                Thread.sleep(5_500);
                assertEquals(moved.toString(), manifestDigest(a, "hub/t/model:v1"), "A re-validated and refetched");
                assertEquals(heads + 2, upstream.count("HEAD", path, 200));
                assertEquals(gets + 1, upstream.count("GET", path, 200));
                assertEquals(moved.toString(), manifestDigest(b, "hub/t/model:v1"), "B agrees at once");
                assertEquals(heads + 2, upstream.count("HEAD", path, 200), "B did not ask the upstream again");
                assertEquals(gets + 1, upstream.count("GET", path, 200));
            }
        }
    }

    /** The token with its signature's last character changed. */
    private static String tampered(String token) {
        char last = token.charAt(token.length() - 1);
        return token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');
    }

    private static String manifestDigest(MirrorProcess mirror, String image) throws Exception {
        String repo = image.substring(0, image.indexOf(':'));
        String tag = image.substring(image.indexOf(':') + 1);
        RegistryHttp http = new RegistryHttp(mirror.url(), null, null);
        HttpResponse<byte[]> r = http.send(http.request("/v2/" + repo + "/manifests/" + tag)
                .header("Accept", "application/vnd.docker.distribution.manifest.v2+json"),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), new String(r.body()));
        return r.headers().firstValue("Docker-Content-Digest").orElseThrow();
    }
}
