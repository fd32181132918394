package io.slipway.mirror.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs real command-line clients (docker, skopeo) with a time limit. */
public final class Processes {

    private Processes() {}

    public record Result(int exit, String output) {
        public boolean ok() {
            return exit == 0;
        }
    }

    public static Result exec(int timeoutSeconds, String... command) {
        return exec(timeoutSeconds, Map.of(), null, command);
    }

    public static Result exec(int timeoutSeconds, Map<String, String> env, String stdin, String... command) {
        try {
            Path out = Files.createTempFile("slipway-t-mirror-proc", ".log");
            try {
                ProcessBuilder pb = new ProcessBuilder(List.of(command)).redirectErrorStream(true)
                        .redirectOutput(out.toFile());
                pb.environment().putAll(env);
                Process p = pb.start();
                if (stdin != null) {
                    p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
                }
                p.getOutputStream().close();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return new Result(-1, "timed out after " + timeoutSeconds + "s: " + String.join(" ", command)
                            + "\n" + Files.readString(out));
                }
                return new Result(p.exitValue(), Files.readString(out));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs and returns the output; fails the test with the output when the command fails. */
    public static String check(int timeoutSeconds, String... command) {
        Result r = exec(timeoutSeconds, command);
        if (!r.ok()) {
            throw new AssertionError("command failed (" + r.exit() + "): " + String.join(" ", command) + "\n"
                    + r.output());
        }
        return r.output();
    }

    public static int freePort() {
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
