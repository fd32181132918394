package io.slipway.mirror.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slipway.mirror.config.MirrorConfig;
import io.slipway.mirror.storage.s3.S3Storage;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@link Storage} contract on S3: a real S3-compatible server (s3proxy, filesystem backend) on 127.0.0.1. */
class S3StorageTest extends StorageContract {

    static final String BUCKET = "slipway-contract";
    static S3ProxyServer server;

    private S3Storage storage;
    private String prefix;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3ProxyServer.start(BUCKET);
        // The store takes its credentials from the AWS default provider chain, as in production.
        System.setProperty("aws.accessKeyId", S3ProxyServer.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3ProxyServer.SECRET_KEY);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    /** The configuration a user writes (MIRROR_STORAGE_S3_*), with a small part size for the multipart tests. */
    static MirrorConfig.S3 config(String bucket, String prefix, boolean redirect) {
        return new MirrorConfig.S3() {
            public Optional<String> bucket() { return Optional.of(bucket); }
            public Optional<String> prefix() { return Optional.of(prefix); }
            public String region() { return "us-east-1"; }
            public Optional<String> endpoint() { return Optional.of(server.endpoint().toString()); }
            public boolean pathStyle() { return true; }
            public int partSizeMib() { return 5; }
            public boolean redirect() { return redirect; }
            public Duration redirectTtl() { return Duration.ofMinutes(1); }
        };
    }

    @BeforeEach
    void freshPrefix() {
        prefix = "t-" + UUID.randomUUID();
        storage = S3Storage.create(config(BUCKET, prefix, false));
    }

    @AfterEach
    void closeStorage() {
        storage.close();
    }

    @Override
    protected Storage storage() {
        return storage;
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Files the filesystem backend holds for this test's prefix, whatever S3 API state says. */
    private long objectsBehindTheApi() throws Exception {
        Path dir = server.bucketDir(BUCKET).resolve(prefix);
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void aLargeBlobIsAMultipartUploadInvisibleUntilCommitAndIntactAfter() throws Exception {
        byte[] blob = random(12 * 1024 * 1024 + 123, 1); // three parts of 5 MiB: two full, one short
        try (StorageWriter w = storage.writer("blobs/big/data")) {
            for (int off = 0; off < blob.length; off += 1_000_000) {
                w.stream().write(blob, off, Math.min(1_000_000, blob.length - off));
            }
            assertEquals(blob.length, w.size());
            assertTrue(storage.stat("blobs/big/data").isEmpty(), "parts are uploaded but no object exists yet");
            w.commit();
        }
        assertEquals(blob.length, storage.stat("blobs/big/data").orElseThrow().size());
        try (InputStream in = storage.reader("blobs/big/data", 0)) {
            assertArrayEquals(blob, in.readAllBytes());
        }
        try (InputStream in = storage.reader("blobs/big/data", 10 * 1024 * 1024)) {
            assertArrayEquals(Arrays.copyOfRange(blob, 10 * 1024 * 1024, blob.length), in.readAllBytes());
        }
        try (InputStream in = storage.reader("blobs/big/data", blob.length)) {
            assertEquals(0, in.readAllBytes().length, "reading from the end gives nothing, not an error");
        }
    }

    @Test
    void aCancelledMultipartUploadLeavesNothingBehind() throws Exception {
        try (StorageWriter w = storage.writer("blobs/dropped/data")) {
            w.stream().write(random(11 * 1024 * 1024, 2));
            w.cancel();
        }
        assertTrue(storage.stat("blobs/dropped/data").isEmpty());
        assertEquals(List.of(), storage.list("blobs"));
        assertEquals(0, objectsBehindTheApi(), "the aborted upload's parts are gone from the bucket too");
    }

    @Test
    void thePrefixKeepsTwoStoresInOneBucketApart() throws Exception {
        storage.putContent("repositories/a/link", "mine".getBytes());
        try (S3Storage other = S3Storage.create(config(BUCKET, prefix + "-other", false))) {
            assertTrue(other.stat("repositories/a/link").isEmpty());
            assertEquals(List.of(), other.list("repositories"));
            other.putContent("repositories/b/link", "theirs".getBytes());
            assertEquals(List.of("a"), storage.list("repositories"));
        }
        assertTrue(storage.stat("repositories").orElseThrow().directory(), "a prefix with objects is a directory");
        assertTrue(storage.describe().contains("s3://" + BUCKET + "/" + prefix), storage.describe());
    }

    @Test
    void aPresignedRedirectServesTheObjectWithoutCredentials() throws Exception {
        byte[] blob = random(100_000, 3);
        try (S3Storage redirecting = S3Storage.create(config(BUCKET, prefix, true))) {
            redirecting.putContent("blobs/r/data", blob);
            URI url = redirecting.redirect("blobs/r/data").orElseThrow();
            assertEquals("127.0.0.1", url.getHost());
            HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode(), new String(r.body()));
            assertArrayEquals(blob, r.body());
            HttpResponse<byte[]> tampered = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(url.toString().replace("blobs/r/data", "blobs/r/other"))).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(403, tampered.statusCode(), "the signature covers the key");
        }
        assertTrue(storage.redirect("blobs/r/data").isEmpty(), "no redirect unless configured");
    }

    @Test
    void aBucketThatIsNotThereFailsTheWritableProbe() {
        try (S3Storage missing = S3Storage.create(config("no-such-bucket", prefix, false))) {
            assertThrows(java.io.IOException.class, missing::checkWritable);
        }
    }
}
