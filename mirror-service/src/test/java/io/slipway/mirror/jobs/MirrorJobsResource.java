package io.slipway.mirror.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.slipway.mirror.registry.Digest;
import io.slipway.mirror.support.DistributionRegistry;
import io.slipway.testsupport.Part;
import io.slipway.testsupport.Ports;
import io.slipway.testsupport.Processes;
import io.slipway.testsupport.Requirements;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The parts of {@link MirrorJobsTest}: a source docker-registry (anonymous) holding a two-platform OCI index that the
 * test builds as its own OCI layout and copies in with skopeo (twice, under two names), a destination docker-registry
 * with htpasswd auth (user {@code AWS}, as ECR's login), and the {@link EcrApiStub} naming that registry. Facts for the
 * test go into system properties {@code slipway.t.jobs.*}.
 */
public class MirrorJobsResource implements QuarkusTestResourceLifecycleManager {

    static final String PASSWORD = "dest-" + Long.toHexString(new Random().nextLong());
    static final int LAYER_BYTES = 3 * 1024 * 1024;

    private DistributionRegistry source;
    private DistributionRegistry destination;
    private EcrApiStub ecr;
    private Path layout;

    @Override
    public Map<String, String> start() {
        Requirements.require(Part.DOCKER_REGISTRY, Part.HTPASSWD, Part.SKOPEO);
        source = DistributionRegistry.anonymous();
        destination = DistributionRegistry.withBasicAuth("AWS", PASSWORD);
        ecr = new EcrApiStub(Ports.freePort(), destination.url(), PASSWORD);
        try {
            layout = Files.createTempDirectory("slipway-t-mirror-jobs-layout");
            Map<String, String> facts = writeIndex(layout);
            for (String repo : List.of("models/multi", "models/twin")) {
                Processes.check(300, "skopeo", "copy", "--all", "--dest-tls-verify=false", "oci:" + layout + ":v1",
                        "docker://" + source.hostPort() + "/" + repo + ":v1");
            }
            facts.forEach((k, v) -> System.setProperty("slipway.t.jobs." + k, v));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.setProperty("slipway.t.jobs.source", source.hostPort());
        System.setProperty("slipway.t.jobs.destination", destination.hostPort());
        System.setProperty("slipway.t.jobs.destination-log", destination.log().toString());
        System.setProperty("slipway.t.jobs.ecr", ecr.endpoint());
        System.setProperty("slipway.t.jobs.password", PASSWORD);
        System.setProperty("aws.accessKeyId", "AKIASTUBSTUBSTUBSTUB");
        System.setProperty("aws.secretAccessKey", "stub-secret");
        Path jobs = layout.resolveSibling(layout.getFileName() + "-records");
        System.setProperty("slipway.t.jobs.records", jobs.toString());
        return Map.of("mirror.jobs.ecr-endpoint", ecr.endpoint(), "mirror.jobs.dir", jobs.toString(),
                "mirror.jobs.backoff", "50MS");
    }

    /** An OCI layout with an index of two images (linux/amd64, linux/arm64), each a config and one random layer. */
    private static Map<String, String> writeIndex(Path dir) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Files.createDirectories(dir.resolve("blobs/sha256"));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Map<String, String> facts = new LinkedHashMap<>();
        List<Map<String, Object>> children = new java.util.ArrayList<>();
        long bytes = 0;
        for (String arch : List.of("amd64", "arm64")) {
            // gzip layers: skopeo would compress plain tar layers on the way into the registry (new digests)
            byte[] raw = new byte[LAYER_BYTES];
            new Random().nextBytes(raw);
            java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
            try (var out = new java.util.zip.GZIPOutputStream(gz)) {
                out.write(raw);
            }
            byte[] layer = gz.toByteArray();
            byte[] config = json.writeValueAsBytes(Map.of("architecture", arch, "os", "linux",
                    "rootfs", Map.of("type", "layers", "diff_ids", List.of(Digest.sha256(raw).toString()))));
            Map<String, Object> manifest = new LinkedHashMap<>();
            manifest.put("schemaVersion", 2);
            manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
            manifest.put("config", descriptor("application/vnd.oci.image.config.v1+json", write(dir, config),
                    config.length));
            manifest.put("layers", List.of(descriptor("application/vnd.oci.image.layer.v1.tar+gzip", write(dir, layer),
                    layer.length)));
            byte[] m = json.writeValueAsBytes(manifest);
            Digest d = write(dir, m);
            facts.put(arch, d.toString());
            bytes += config.length + layer.length;
            Map<String, Object> child = descriptor("application/vnd.oci.image.manifest.v1+json", d, m.length);
            child.put("platform", Map.of("os", "linux", "architecture", arch));
            children.add(child);
        }
        byte[] index = json.writeValueAsBytes(Map.of("schemaVersion", 2,
                "mediaType", "application/vnd.oci.image.index.v1+json", "manifests", children));
        Digest indexDigest = write(dir, index);
        Map<String, Object> top = descriptor("application/vnd.oci.image.index.v1+json", indexDigest, index.length);
        top.put("annotations", Map.of("org.opencontainers.image.ref.name", "v1"));
        Files.write(dir.resolve("index.json"), json.writeValueAsBytes(Map.of("schemaVersion", 2,
                "manifests", List.of(top))));
        facts.put("index", indexDigest.toString());
        facts.put("bytes", Long.toString(bytes));
        return facts;
    }

    private static Map<String, Object> descriptor(String mediaType, Digest digest, long size) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mediaType", mediaType);
        d.put("digest", digest.toString());
        d.put("size", size);
        return d;
    }

    private static Digest write(Path dir, byte[] content) throws IOException {
        Digest d = Digest.sha256(content);
        Files.write(dir.resolve("blobs/sha256/" + d.hex()), content);
        return d;
    }

    @Override
    public void stop() {
        if (ecr != null) {
            ecr.close();
        }
        if (source != null) {
            source.close();
        }
        if (destination != null) {
            destination.close();
        }
        if (layout != null) {
            Processes.exec(60, "rm", "-rf", layout.toString(), layout + "-records");
        }
    }
}
