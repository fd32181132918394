package io.slipway.deploy.testing;

import io.slipway.testsupport.Part;
import io.slipway.testsupport.Processes;
import io.slipway.testsupport.Requirements;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The docker CLI, for setting up and checking test fixtures independently of the code under test. Fails (never
 * skips) when the engine does not answer: these tests need the real engine.
 */
public final class DockerCli {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private DockerCli() {}

    /** Runs {@code docker ARGS}; its trimmed output, or an {@link AssertionError} with the output when it fails. */
    public static String run(String... args) {
        return tryRun(args).orFail().strip();
    }

    public static Processes.Result tryRun(String... args) {
        List<String> command = new ArrayList<>();
        command.add("docker");
        command.addAll(List.of(args));
        return Processes.command(command).env("DOCKER_BUILDKIT", "0").timeout(TIMEOUT).exec();
    }

    /** Fails the test with the part and how to get it when the Docker engine is not there. */
    public static void requireEngine() {
        Requirements.require(Part.DOCKER_ENGINE);
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
