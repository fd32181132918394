package io.slipway.gateway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Finding the real parts tests run against; a missing part fails the test on CI and skips it elsewhere. */
public final class Parts {

    private Parts() {}

    public static boolean onCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Fails (on CI) or skips (elsewhere) when {@code available} is false. */
    public static void require(boolean available, String what) {
        if (onCi() && !available) {
            throw new AssertionError(what + " is required on CI (CI=true) but is missing");
        }
        Assumptions.assumeTrue(available, what + " is missing; skipping");
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The repository root (the failsafe plugin passes it; surefire runs in the module directory). */
    public static Path root() {
        String root = System.getProperty("slipway.root");
        if (root != null) {
            return Path.of(root);
        }
        Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("mvnw")) ? here : here.getParent();
    }

    public static Path gatewayJar() {
        return root().resolve("inference-gateway/target/quarkus-app/quarkus-run.jar");
    }

    public static Path sampleModelJar() {
        return root().resolve("sample-model/target/quarkus-app/quarkus-run.jar");
    }
}
