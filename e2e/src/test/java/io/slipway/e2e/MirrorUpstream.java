package io.slipway.e2e;

import io.slipway.testsupport.Part;
import io.slipway.testsupport.Processes;
import io.slipway.testsupport.Requirements;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * Images and registries for the tests of deploys through the mirror, all built locally: an upstream registry image
 * (Debian's {@code /usr/bin/docker-registry} on the local nginx base, for {@code mirror-upstream.yml}), variants of
 * the sample model that differ only by a label (so each has its own digest), and skopeo pushes and digests.
 */
public final class MirrorUpstream {

    private MirrorUpstream() {}

    /** Builds the upstream registry image; returns its tag. */
    public static String buildRegistryImage() {
        Requirements.require(Part.DOCKER_REGISTRY);
        String tag = "slipway-e2e/upstream-registry:" + UUID.randomUUID().toString().substring(0, 8);
        build(tag, """
                FROM slipway/nginx-base:bookworm
                COPY docker-registry /usr/bin/docker-registry
                COPY config.yml /etc/slipway-upstream/config.yml
                ENTRYPOINT ["/usr/bin/docker-registry", "serve", "/etc/slipway-upstream/config.yml"]
                """, Map.of("config.yml", """
                version: 0.1
                storage:
                  filesystem:
                    rootdirectory: /tmp/registry
                http:
                  addr: 0.0.0.0:5000
                """), Path.of("/usr/bin/docker-registry"));
        return tag;
    }

    /** {@code image} with one more label: the same model, a new digest. */
    public static String variant(String image) {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String tag = "slipway-e2e/variant-" + id + ":v1";
        build(tag, "FROM " + image + "\nLABEL io.slipway.e2e.variant=" + id + "\n", Map.of());
        return tag;
    }

    /** Copies the local image into {@code destination} ({@code host:port/repo:tag}), as {@code user:password}. */
    public static void push(String localImage, String destination, String credentials) {
        Requirements.require(Part.SKOPEO);
        if (credentials == null) {
            Processes.check(600, "skopeo", "copy", "--dest-tls-verify=false", "docker-daemon:" + localImage,
                    "docker://" + destination);
        } else {
            Processes.check(600, "skopeo", "copy", "--dest-tls-verify=false", "--dest-creds", credentials,
                    "docker-daemon:" + localImage, "docker://" + destination);
        }
    }

    /** The manifest digest {@code reference} points to now, read as {@code user:password}. */
    public static String digest(String reference, String credentials) {
        return Processes.check(60, "skopeo", "inspect", "--tls-verify=false", "--creds", credentials, "--format",
                "{{.Digest}}", "docker://" + reference).trim();
    }

    public static String imageId(String reference) {
        return Processes.check(60, "docker", "image", "inspect", "--format", "{{.Id}}", reference).trim();
    }

    /** Removes these image names from the engine (what the tests pulled or built); never fails. */
    public static void remove(String... references) {
        for (String r : references) {
            Processes.exec(60, "docker", "rmi", "-f", r);
        }
    }

    private static void build(String tag, String dockerfile, Map<String, String> files, Path... copies) {
        try {
            Path dir = Files.createTempDirectory("slipway-e2e-build");
            try {
                Files.writeString(dir.resolve("Dockerfile"), dockerfile);
                for (Map.Entry<String, String> f : files.entrySet()) {
                    Files.writeString(dir.resolve(f.getKey()), f.getValue());
                }
                for (Path p : copies) {
                    Files.copy(p, dir.resolve(p.getFileName()));
                }
                Processes.Result r = Processes.exec(300, Map.of("DOCKER_BUILDKIT", "0"), null,
                        "docker", "build", "-q", "-t", tag, dir.toString());
                if (!r.ok()) {
                    throw new AssertionError("docker build of " + tag + " failed: " + r.output());
                }
            } finally {
                Processes.exec(60, "rm", "-rf", dir.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
