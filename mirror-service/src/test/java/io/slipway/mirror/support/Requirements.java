package io.slipway.mirror.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** A test that needs a real part (Docker engine, skopeo, docker-registry) skips without it, but fails under CI. */
public final class Requirements {

    private Requirements() {}

    public static void require(boolean present, String what) {
        if (present) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            fail(what + " is required under CI=true but missing");
        }
        Assumptions.assumeTrue(false, what + " missing; skipped outside CI");
    }

    public static void requireDocker() {
        boolean ok;
        try {
            ok = Processes.exec(60, "docker", "version", "--format", "{{.Server.Version}}").ok();
        } catch (RuntimeException e) {
            ok = false;
        }
        require(ok, "a Docker engine");
    }

    public static void requireSkopeo() {
        require(Files.isExecutable(Path.of("/usr/bin/skopeo")), "skopeo (apt package skopeo)");
    }

    public static void requireDockerRegistry() {
        require(Files.isExecutable(Path.of("/usr/bin/docker-registry")),
                "docker-registry (apt package docker-registry)");
    }
}
