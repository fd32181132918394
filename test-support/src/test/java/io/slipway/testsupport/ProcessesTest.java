package io.slipway.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProcessesTest {

    @Test
    void returnsExitStatusAndBothStreams() {
        Processes.Result r = Processes.exec(30, "sh", "-c", "echo out; echo err >&2; exit 3");
        assertEquals(3, r.exit());
        assertTrue(r.output().contains("out") && r.output().contains("err"), r.output());
        AssertionError e = assertThrows(AssertionError.class, r::orFail);
        assertTrue(e.getMessage().contains("exit 3: sh -c") && e.getMessage().contains("err"), e.getMessage());
    }

    @Test
    void passesEnvironmentStdinAndWorkingDirectory() {
        String out = Processes.command("sh", "-c", "echo \"$GREETING\"; cat; pwd").env("GREETING", "hello")
                .stdin("from stdin\n").dir(Path.of("/tmp")).timeout(Duration.ofSeconds(30)).check();
        assertEquals("hello\nfrom stdin\n/tmp\n", out);
    }

    @Test
    void aCommandPastItsTimeLimitIsKilledAndReported() {
        long start = System.nanoTime();
        Processes.Result r = Processes.command("sh", "-c", "echo started; sleep 600")
                .timeout(Duration.ofMillis(500)).exec();
        assertEquals(-1, r.exit());
        assertTrue(r.output().contains("ran past") && r.output().contains("started"), r.output());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(60).toNanos(), "the sleep was not waited for");
    }

    @Test
    void aToolThatIsNotInstalledIsAnAssertionNamingIt() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> Processes.exec(10, "slipway-no-such-tool", "--version"));
        assertTrue(e.getMessage().contains("cannot run slipway-no-such-tool"), e.getMessage());
    }
}
