package io.slipway.deploy.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The docker CLI, for setting up and checking test fixtures independently of the code under test. Fails (never
 * skips) when the engine does not answer: these tests need the real engine.
 */
public final class DockerCli {

    private DockerCli() {}

    public record Result(int exitCode, String output) {}

    public static String run(String... args) {
        Result r = tryRun(args);
        if (r.exitCode() != 0) {
            throw new IllegalStateException("docker " + String.join(" ", args) + " failed (" + r.exitCode() + "): "
                    + r.output());
        }
        return r.output().strip();
    }

    public static Result tryRun(String... args) {
        List<String> command = new ArrayList<>();
        command.add("docker");
        command.addAll(List.of(args));
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().put("DOCKER_BUILDKIT", "0");
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("docker " + String.join(" ", args) + " timed out");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run the docker CLI (is Docker installed?): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Fails the test run with a clear reason when the Docker engine is not there. */
    public static void requireEngine() {
        Result r = tryRun("version", "--format", "{{.Server.APIVersion}}");
        if (r.exitCode() != 0) {
            throw new IllegalStateException("these tests need the Docker engine (run scripts/ensure-docker.sh): "
                    + r.output());
        }
    }

    /** Containers (all states) with the given label, e.g. {@code com.docker.compose.project=x}. */
    public static List<String> containersWithLabel(String label) {
        String out = run("ps", "-aq", "--no-trunc", "--filter", "label=" + label);
        return out.isBlank() ? List.of() : List.of(out.split("\\s+"));
    }

    public static void removeProject(String prefix) {
        for (String id : containersWithLabel("com.docker.compose.project=" + prefix)) {
            tryRun("rm", "-f", "-v", id);
        }
        tryRun("network", "rm", prefix);
    }
}
