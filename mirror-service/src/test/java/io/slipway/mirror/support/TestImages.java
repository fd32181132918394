package io.slipway.mirror.support;

import io.slipway.testsupport.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.UUID;

/** Small images built locally (FROM scratch, no registry involved); removed again with {@link #remove(String)}. */
public final class TestImages {

    private TestImages() {}

    /** Builds a {@code layers}-layer image with random content of {@code layerBytes} per layer; returns its tag. */
    public static String build(int layers, int layerBytes) {
        String tag = "slipway-t-mirror-img-" + UUID.randomUUID().toString().substring(0, 8) + ":v1";
        try {
            Path dir = Files.createTempDirectory("slipway-t-mirror-build");
            StringBuilder dockerfile = new StringBuilder("FROM scratch\n");
            Random random = new Random();
            for (int i = 0; i < layers; i++) {
                byte[] content = new byte[layerBytes];
                random.nextBytes(content);
                Files.write(dir.resolve("layer" + i + ".bin"), content);
                dockerfile.append("COPY layer").append(i).append(".bin /layer").append(i).append(".bin\n");
            }
            dockerfile.append("LABEL io.slipway.test=mirror\n");
            Files.writeString(dir.resolve("Dockerfile"), dockerfile);
            Processes.Result r = Processes.exec(300, java.util.Map.of("DOCKER_BUILDKIT", "0"), null,
                    "docker", "build", "-q", "-t", tag, dir.toString());
            Processes.exec(60, "rm", "-rf", dir.toString());
            if (!r.ok()) {
                throw new AssertionError("docker build failed: " + r.output());
            }
            return tag;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String imageId(String ref) {
        return Processes.check(60, "docker", "image", "inspect", "--format", "{{.Id}}", ref).trim();
    }

    public static void remove(String... refs) {
        for (String ref : refs) {
            Processes.exec(60, "docker", "rmi", "-f", ref);
        }
    }
}
