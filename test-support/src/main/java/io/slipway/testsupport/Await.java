package io.slipway.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.IntPredicate;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * Waiting until something is up, on Awaitility: generous deadlines (the machines are small and shared), never a fixed
 * sleep, and a failure that says what was awaited and shows the context (a process log, the last state seen).
 */
public final class Await {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1).build();

    private Await() {}

    /** Polls {@code condition} (exceptions count as "not yet") every 100 ms until it is true. */
    public static void until(String what, Duration timeout, Callable<Boolean> condition) {
        until(what, timeout, condition, () -> false, () -> "");
    }

    /**
     * Polls {@code condition} until it is true; gives up at once when {@code hopeless} turns true (the process that
     * should answer has died) and then, or at the deadline, fails with {@code context} (e.g. that process's log).
     */
    public static void until(String what, Duration timeout, Callable<Boolean> condition, BooleanSupplier hopeless,
                             Supplier<String> context) {
        try {
            Awaitility.await(what).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions().failFast(what + ": gave up", hopeless::getAsBoolean).until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(what + ": not within " + timeout + "\n" + context.get(), e);
        } catch (TerminalFailureException e) {
            throw new AssertionError(what + ": gave up\n" + context.get(), e);
        }
    }

    /** Waits until a GET of {@code url} is answered with a status {@code accepted} takes. */
    public static void http(String url, IntPredicate accepted, Duration timeout, BooleanSupplier hopeless,
                            Supplier<String> context) {
        until("GET " + url, timeout, () -> accepted.test(status(url)), hopeless, context);
    }

    /** Waits until a GET of {@code url} is answered 200. */
    public static void http200(String url, Duration timeout) {
        http(url, s -> s == 200, timeout, () -> false, () -> "");
    }

    /** The status of one GET of {@code url}, or -1 when nothing answers. */
    public static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
