package io.slipway.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A process that runs beside a test (a packaged service, nginx, docker-registry, a second dockerd), its output
 * appended to a log file that failure messages quote. {@link #close()} stops it (SIGTERM, then SIGKILL).
 */
public class ChildProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;

    /** Starts {@code command} with {@code env} added to this JVM's environment, output appended to {@code log}. */
    public ChildProcess(String name, List<String> command, Map<String, String> env, Path log) {
        this.name = name;
        this.log = log;
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        try {
            this.process = builder.start();
        } catch (IOException e) {
            throw new AssertionError("cannot start " + name + " (" + command.get(0) + "): " + e.getMessage()
                    + "; if a test tool is missing: " + Requirements.INSTALL, e);
        }
    }

    /** Starts it with its log in a new temp file named after {@code name}. */
    public static ChildProcess start(String name, List<String> command, Map<String, String> env) {
        try {
            Path log = Files.createTempFile("slipway-t-" + name.replaceAll("[^A-Za-z0-9-]", "-") + "-", ".log");
            return new ChildProcess(name, command, env, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until {@code url} answers 200; fails with the log when the process dies or takes too long. */
    public ChildProcess awaitHttp200(String url, Duration timeout) {
        return awaitHttp(url, status -> status == 200, timeout);
    }

    /** Waits until {@code url} answers at all (any HTTP status, e.g. 401 from a registry with auth). */
    public ChildProcess awaitListening(String url, Duration timeout) {
        return awaitHttp(url, status -> status > 0, timeout);
    }

    private ChildProcess awaitHttp(String url, java.util.function.IntPredicate accepted, Duration timeout) {
        Await.http(url, accepted, timeout, () -> !process.isAlive(), this::describe);
        return this;
    }

    /** Waits until {@code condition} holds, with this process's liveness and log as for HTTP waits. */
    public ChildProcess await(String what, Duration timeout, java.util.concurrent.Callable<Boolean> condition) {
        Await.until(name + ": " + what, timeout, condition, () -> !process.isAlive(), this::describe);
        return this;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** The exit status; only once it has ended (137 after {@link #kill9()}). */
    public int exitValue() {
        return process.exitValue();
    }

    public Path log() {
        return log;
    }

    /** SIGKILL: no shutdown hook, no flush, nothing handed back, like a power cut for the process. */
    public void kill9() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(20));
    }

    /** The end of the log. */
    public String logText() {
        try {
            return Processes.tail(Files.readString(log));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private String describe() {
        return name + (process.isAlive() ? " (running)" : " (exited with " + process.exitValue() + ")")
                + ", log " + log + ":\n" + logText();
    }

    /** SIGTERM, up to {@code grace} to exit, then SIGKILL. */
    public void stop(Duration grace) {
        if (process.isAlive()) {
            process.destroy();
            if (!waitFor(grace)) {
                process.destroyForcibly();
            }
        }
        waitFor(Duration.ofSeconds(20));
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(20));
    }

    private boolean waitFor(Duration limit) {
        try {
            return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
