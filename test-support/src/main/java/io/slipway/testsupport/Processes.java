package io.slipway.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs command-line tools (docker, skopeo, docker-compose, nginx, initdb...) to completion with a time limit. Output
 * (stdout and stderr together) goes to a temp file while it runs, so a chatty tool never blocks on a full pipe, and
 * comes back in the {@link Result}; failure messages carry the command and its output's tail. For processes that keep
 * running beside a test, see {@link ChildProcess}.
 */
public final class Processes {

    /** How much of a tool's output failure messages quote (the end, where the error is). */
    static final int TAIL = 8000;

    private Processes() {}

    /**
     * A finished (or timed-out) command.
     *
     * @param exit     exit status, or -1 when it ran past its time limit and was killed
     * @param output   stdout and stderr, interleaved as written
     */
    public record Result(List<String> command, int exit, String output) {

        public boolean ok() {
            return exit == 0;
        }

        /** The output; an {@link AssertionError} with the command and output tail when the command failed. */
        public String orFail() {
            if (!ok()) {
                throw new AssertionError(describe());
            }
            return output;
        }

        public String describe() {
            return (exit == -1 ? "timed out" : "exit " + exit) + ": " + String.join(" ", command) + "\n"
                    + tail(output);
        }
    }

    public static Result exec(int timeoutSeconds, String... command) {
        return command(command).timeout(Duration.ofSeconds(timeoutSeconds)).exec();
    }

    public static Result exec(int timeoutSeconds, Map<String, String> env, String stdin, String... command) {
        return command(command).timeout(Duration.ofSeconds(timeoutSeconds)).env(env).stdin(stdin).exec();
    }

    /** Runs and returns the output; fails the test with the command and its output when it fails. */
    public static String check(int timeoutSeconds, String... command) {
        return exec(timeoutSeconds, command).orFail();
    }

    public static Command command(String... command) {
        return new Command(List.of(command));
    }

    public static Command command(List<String> command) {
        return new Command(List.copyOf(command));
    }

    /** True when {@code executable} is an executable file in one of the {@code PATH} directories. */
    public static boolean onPath(String executable) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, executable))) {
                return true;
            }
        }
        return false;
    }

    static String tail(String text) {
        return text.length() > TAIL ? "…" + text.substring(text.length() - TAIL) : text;
    }

    /** A command to run: environment additions, working directory, stdin and time limit (default 5 minutes). */
    public static final class Command {

        private final List<String> command;
        private final Map<String, String> env = new HashMap<>();
        private Path dir;
        private String stdin;
        private Duration timeout = Duration.ofMinutes(5);

        private Command(List<String> command) {
            this.command = command;
        }

        public Command env(Map<String, String> variables) {
            env.putAll(variables);
            return this;
        }

        public Command env(String name, String value) {
            env.put(name, value);
            return this;
        }

        public Command dir(Path directory) {
            this.dir = directory;
            return this;
        }

        public Command stdin(String input) {
            this.stdin = input;
            return this;
        }

        public Command timeout(Duration limit) {
            this.timeout = limit;
            return this;
        }

        /** Runs it; a tool that cannot be started at all is an {@link AssertionError} naming it. */
        public Result exec() {
            Path out = null;
            try {
                out = Files.createTempFile("slipway-t-proc-", ".log");
                ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
                        .redirectOutput(out.toFile());
                builder.environment().putAll(env);
                if (dir != null) {
                    builder.directory(dir.toFile());
                }
                Process process;
                try {
                    process = builder.start();
                } catch (IOException e) {
                    throw new AssertionError("cannot run " + command.get(0) + " (" + e.getMessage() + "); if a "
                            + "test tool is missing: " + Requirements.INSTALL, e);
                }
                if (stdin != null) {
                    process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
                }
                process.getOutputStream().close();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    return new Result(command, -1, "(ran past " + timeout + ")\n"
                            + Files.readString(out, StandardCharsets.UTF_8));
                }
                return new Result(command, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted: " + String.join(" ", command), e);
            } finally {
                if (out != null) {
                    try {
                        Files.deleteIfExists(out);
                    } catch (IOException e) {
                        // a temp file left behind is harmless
                    }
                }
            }
        }

        /** Runs it and returns the output; fails with the command and output tail when it does not exit 0. */
        public String check() {
            return exec().orFail();
        }
    }
}
