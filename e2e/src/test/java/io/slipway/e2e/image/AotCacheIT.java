package io.slipway.e2e.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slipway.testsupport.Await;
import io.slipway.testsupport.Part;
import io.slipway.testsupport.Ports;
import io.slipway.testsupport.Processes;
import io.slipway.testsupport.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The default (fast) flavour's images start from the AOT cache trained in their build: the JVM maps the cache and
 * links its classes (it says so under {@code -Xlog:aot}, a logging flag that leaves the cache valid). A cache it
 * cannot use costs speed, never the service: the JVM logs an error and starts without it.
 */
class AotCacheIT {

    private static final String TAG = System.getenv().getOrDefault("SLIPWAY_TAG", "latest");
    private static final String CACHE = "/home/jboss/aot/app.aot";
    /** What the JVM logs once it runs on the cache's linked classes. */
    private static final String CACHE_USED = "Using AOT-linked classes: true";
    private static final String STARTED = "started in";
    /** An AOT warning or error line of the JVM's unified log ("[error  ][aot]" or "[error][aot]", by decorators). */
    private static final Pattern AOT_TROUBLE = Pattern.compile("\\[(warning|error) *\\]\\[aot");

    @BeforeAll
    static void engine() {
        Requirements.require(Part.DOCKER_ENGINE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sample-model", "mirror-service", "deploy-controller", "inference-gateway"})
    void serviceStartsFromItsTrainedCache(String service) {
        String image = "slipway/" + service + ":" + TAG;
        String entrypoint = Processes.check(60, "docker", "image", "inspect", "--format",
                "{{json .Config.Entrypoint}}", image);
        assertTrue(entrypoint.contains("-XX:AOTCache=" + CACHE), image + " runs " + entrypoint);

        String log = startAndReadLog(image, List.of());
        assertTrue(log.contains(CACHE_USED), image + " did not use its AOT cache:\n" + log);
        assertFalse(AOT_TROUBLE.matcher(log).find(), "AOT warnings or errors in " + image + ":\n" + aotLines(log));
    }

    @Test
    void serviceStartsWithoutAnUnusableCache(@TempDir Path dir) throws IOException {
        Path garbage = dir.resolve("app.aot");
        Files.write(garbage, UUID.randomUUID().toString().repeat(1000).getBytes());
        Files.setPosixFilePermissions(garbage, PosixFilePermissions.fromString("rw-r--r--"));
        int port = Ports.freePort();
        String image = "slipway/sample-model:" + TAG;

        String log = startAndReadLog(image, List.of("-v", garbage + ":" + CACHE + ":ro",
                "-p", "127.0.0.1:" + port + ":8000"), port);

        assertFalse(log.contains(CACHE_USED), log);
        assertTrue(AOT_TROUBLE.matcher(log).find(), "the JVM should say the cache is unusable:\n" + log);
    }

    private static String startAndReadLog(String image, List<String> runArgs) {
        return startAndReadLog(image, runArgs, -1);
    }

    /**
     * Runs {@code image} with the AOT log on until Quarkus reports it started (and, with {@code port} > 0, until
     * {@code /q/health/ready} answers 200 there), then removes the container and returns its log.
     */
    private static String startAndReadLog(String image, List<String> runArgs, int port) {
        String name = "slipway-aot-it-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> run = new ArrayList<>(List.of("docker", "run", "-d", "--name", name,
                "-e", "JAVA_TOOL_OPTIONS=-Xlog:aot=info"));
        run.addAll(runArgs);
        run.add(image);
        try {
            Processes.command(run).timeout(Duration.ofSeconds(60)).exec().orFail();
            Await.until(image + " reports it started", Duration.ofSeconds(120),
                    () -> Processes.exec(30, "docker", "logs", name).output().contains(STARTED),
                    () -> !Processes.exec(30, "docker", "inspect", "--format", "{{.State.Running}}", name)
                            .output().trim().equals("true"),
                    () -> Processes.exec(30, "docker", "logs", name).output());
            if (port > 0) {
                Await.http200("http://127.0.0.1:" + port + "/q/health/ready", Duration.ofSeconds(60));
                assertEquals(200, Await.status("http://127.0.0.1:" + port + "/q/health/ready"));
            }
            return Processes.exec(30, "docker", "logs", name).output();
        } finally {
            Processes.exec(60, "docker", "rm", "-f", name);
        }
    }

    private static String aotLines(String log) {
        return log.lines().filter(line -> AOT_TROUBLE.matcher(line).find()).reduce("", (a, b) -> a + b + "\n");
    }
}
