package io.slipway.mirror.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slipway.mirror.support.MirrorProcess;
import io.slipway.mirror.support.RegistryHttp;
import io.slipway.testsupport.Part;
import io.slipway.testsupport.Processes;
import io.slipway.testsupport.Requirements;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /import} on the packaged service with a 64 MiB heap: real {@code docker save} and {@code skopeo}
 * OCI-layout archives become pullable images (a 200 MiB layer streams through without being held in memory), and
 * every kind of bad archive gets a clear error and stores nothing. One mirror for the class.
 */
class ImportIT {

    private static final String PASSWORD = "it-secret";
    private static final String TAG = System.getenv().getOrDefault("SLIPWAY_TAG", "latest");
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;

    private static MirrorProcess mirror;
    private static RegistryHttp http;
    private static Path smallSave;

    @BeforeAll
    static void start() throws Exception {
        Requirements.require(Part.DOCKER_ENGINE, Part.SKOPEO);
        mirror = new MirrorProcess(work.resolve("registry"), "64m",
                Map.of("mirror.imports.staging-dir", work.resolve("staging").toString())).start();
        http = new RegistryHttp(mirror.url(), "slipway", PASSWORD);
        smallSave = dockerSave("small", 64 * 1024, 1);
    }

    @AfterAll
    static void stop() {
        if (mirror != null) {
            mirror.close();
        }
        Processes.exec(60, "docker", "rmi", "-f", image("small"), image("big"),
                mirror == null ? "none" : mirror.hostPort() + "/imports/oci:v1");
    }

    private static String image(String name) {
        return "slipway-import-test/" + name + ":" + TAG + "-" + RUN;
    }

    /** A real image (one file of random bytes, via docker import) saved by the real {@code docker save}. */
    private static Path dockerSave(String name, int bytes, long seed) throws IOException {
        Path rootfs = work.resolve(name + "-rootfs.tar");
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(rootfs))) {
            TarArchiveEntry e = new TarArchiveEntry("model.bin");
            e.setSize(bytes);
            tar.putArchiveEntry(e);
            Random random = new Random(seed);
            byte[] chunk = new byte[1 << 20];
            for (int left = bytes; left > 0; left -= chunk.length) {
                random.nextBytes(chunk);
                tar.write(chunk, 0, Math.min(left, chunk.length));
            }
            tar.closeArchiveEntry();
        }
        Processes.check(120, "docker", "import", rootfs.toString(), image(name));
        Path saved = work.resolve(name + "-save.tar");
        Processes.check(120, "docker", "save", "-o", saved.toString(), image(name));
        Files.delete(rootfs);
        return saved;
    }

    private static HttpResponse<String> importArchive(Path archive, String query) throws IOException {
        return http.send(http.request("/import" + query).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofFile(archive)), HttpResponse.BodyHandlers.ofString());
    }

    private static String imageId(String ref) {
        return Processes.check(30, "docker", "image", "inspect", "--format", "{{.Id}}", ref).trim();
    }

    private static String rootfs(String ref) {
        return Processes.check(30, "docker", "image", "inspect", "--format", "{{json .RootFS.Layers}}", ref).trim();
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
    void aDockerSaveArchiveWithA200MibLayerStreamsThroughA64MibHeapAndIsPullable() throws Exception {
        Path big = dockerSave("big", 200 * 1024 * 1024, 2);
        HttpResponse<String> r = importArchive(big, "?repository=imports/big&tag=v1");
        assertEquals(201, r.statusCode(), r.body());
        JsonNode image = JSON.readTree(r.body()).path("images").get(0);
        assertEquals(mirror.hostPort() + "/imports/big:v1", JSON.readTree(r.body()).path("references").get(0).asText());
        assertEquals(1, image.path("layers").asInt());

        // The stored manifest names the config docker made (same image id) and a layer with the right bytes.
        JsonNode manifest = JSON.readTree(http.send(http.request("/v2/imports/big/manifests/v1")
                .header("Accept", "application/vnd.oci.image.manifest.v1+json"), HttpResponse.BodyHandlers.ofString())
                .body());
        assertEquals(imageId(image("big")), manifest.path("config").path("digest").asText());
        String layer = manifest.path("layers").get(0).path("digest").asText();
        HttpResponse<InputStream> blob = http.send(http.request("/v2/imports/big/blobs/" + layer),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, blob.statusCode());
        assertEquals(layer, sha256(blob.body()));
        assertTrue(Files.readString(mirror.log()).lines().noneMatch(l -> l.contains("OutOfMemoryError")));
        Files.delete(big);
    }

    @Test
    void aGzippedOciLayoutFromSkopeoIsImportedUnderItsNameAndDockerPullsIt() throws Exception {
        Path oci = work.resolve("oci.tar");
        Processes.check(120, "skopeo", "copy", "-q", "docker-archive:" + smallSave, "oci-archive:" + oci + ":v1");
        Path gz = work.resolve("oci.tar.gz");
        try (InputStream in = Files.newInputStream(oci); OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            in.transferTo(out);
        }
        HttpResponse<String> r = importArchive(gz, "?repository=imports/oci");
        assertEquals(201, r.statusCode(), r.body());
        String ref = JSON.readTree(r.body()).path("references").get(0).asText();
        assertEquals(mirror.hostPort() + "/imports/oci:v1", ref, "the tag the layout carries");

        Processes.Result pull = Processes.exec(120, "docker", "pull", ref);
        assertTrue(pull.ok(), pull.describe());
        // skopeo rewrote the config as an OCI config (a new image id); the layers are the original ones.
        assertEquals(rootfs(image("small")), rootfs(ref));
    }

    @Test
    void badArchivesGetAClearErrorAndStoreNothing() throws Exception {
        long blobsBefore = storedBlobs();
        Map<String, UnaryOperator<Map<String, byte[]>>> cases = new LinkedHashMap<>();
        cases.put("dotdot", files -> with(files, "../escape", "x"));
        cases.put("absolute", files -> with(files, "/etc/escape", "x"));
        cases.put("wrong-digest", files -> {
            files.replaceAll((name, content) -> name.endsWith("layer.tar") ? flipLastByte(content) : content);
            return files;
        });
        cases.put("missing-layer", files -> {
            files.keySet().removeIf(name -> name.endsWith("layer.tar"));
            return files;
        });
        Map<String, String> expected = Map.of("dotdot", "ARCHIVE_INVALID", "absolute", "ARCHIVE_INVALID",
                "wrong-digest", "DIGEST_INVALID", "missing-layer", "MANIFEST_BLOB_UNKNOWN");
        for (var c : cases.entrySet()) {
            Path bad = rewrite(smallSave, c.getKey(), c.getValue());
            assertRefused(bad, expected.get(c.getKey()), c.getKey());
        }
        // A symbolic link (docker save of older engines links duplicate layers: refused all the same).
        Path symlink = work.resolve("symlink.tar");
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(symlink))) {
            copyEntries(smallSave, tar, UnaryOperator.identity());
            TarArchiveEntry link = new TarArchiveEntry("evil", TarArchiveEntry.LF_SYMLINK);
            link.setLinkName("/etc/passwd");
            tar.putArchiveEntry(link);
            tar.closeArchiveEntry();
        }
        assertRefused(symlink, "ARCHIVE_INVALID", "symlink");
        // Truncated in the middle of the layer; and a gzip stream that ends early.
        byte[] whole = Files.readAllBytes(smallSave);
        Path truncated = Files.write(work.resolve("truncated.tar"), java.util.Arrays.copyOf(whole, whole.length / 2));
        assertRefused(truncated, "ARCHIVE_INVALID", "truncated");
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(gz)) {
            out.write(whole);
        }
        byte[] gzBytes = gz.toByteArray();
        Path truncatedGz = Files.write(work.resolve("truncated.tar.gz"), java.util.Arrays.copyOf(gzBytes, gzBytes.length / 2));
        assertRefused(truncatedGz, "ARCHIVE_INVALID", "truncated gzip");
        Path notTar = Files.writeString(work.resolve("not.tar"), "{\"hello\":\"world\"}".repeat(100));
        assertRefused(notTar, "ARCHIVE_INVALID", "not a tar");

        assertEquals(blobsBefore, storedBlobs(), "no blob was stored from a bad archive");
        assertEquals(404, http.send(http.request("/v2/imports/bad/tags/list"), HttpResponse.BodyHandlers.ofString())
                .statusCode());
        // Without the push user's credentials: refused before the body is read.
        HttpResponse<String> anonymous = new RegistryHttp(mirror.url(), null, null).send(new RegistryHttp(mirror.url(),
                null, null).request("/import?repository=imports/bad").POST(HttpRequest.BodyPublishers.ofFile(smallSave)),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode(), anonymous.body());
    }

    private static void assertRefused(Path archive, String code, String what) throws Exception {
        HttpResponse<String> r = importArchive(archive, "?repository=imports/bad&tag=v1");
        assertEquals(400, r.statusCode(), what + ": " + r.body());
        JsonNode error = JSON.readTree(r.body()).path("errors").get(0);
        assertEquals(code, error.path("code").asText(), what + ": " + r.body());
        assertTrue(error.path("detail").asText().length() > 10, what + " says what is wrong: " + r.body());
    }

    private static long storedBlobs() throws IOException {
        Path blobs = work.resolve("registry/blobs");
        if (!Files.exists(blobs)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(blobs)) {
            return s.filter(p -> p.getFileName().toString().equals("data")).count();
        }
    }

    private static Map<String, byte[]> with(Map<String, byte[]> files, String name, String content) {
        files.put(name, content.getBytes(StandardCharsets.UTF_8));
        return files;
    }

    private static byte[] flipLastByte(byte[] content) {
        byte[] copy = content.clone();
        copy[copy.length - 1] ^= 1;
        return copy;
    }

    /** The archive's files, changed by {@code change}, written as a new tar (names kept verbatim, also bad ones). */
    private static Path rewrite(Path archive, String name, UnaryOperator<Map<String, byte[]>> change) throws IOException {
        Path out = work.resolve(name + ".tar");
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(out))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            copyEntries(archive, tar, change);
        }
        return out;
    }

    private static void copyEntries(Path archive, TarArchiveOutputStream out, UnaryOperator<Map<String, byte[]>> change)
            throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(archive))) {
            for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
                if (e.isFile()) {
                    files.put(e.getName(), in.readAllBytes());
                }
            }
        }
        for (var f : change.apply(files).entrySet()) {
            TarArchiveEntry e = new TarArchiveEntry(f.getKey(), true);
            e.setSize(f.getValue().length);
            out.putArchiveEntry(e);
            out.write(f.getValue());
            out.closeArchiveEntry();
        }
    }
}
