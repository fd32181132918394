package io.slipway.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LoadGeneratorTest {

    @Test
    void aServerThatStallsGetsNoMoreThanTheCapOfRequestsAtOnce() throws Exception {
        AtomicInteger open = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch answer = new CountDownLatch(1);
        HttpServer stalled = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        stalled.setExecutor(Executors.newCachedThreadPool());
        stalled.createContext("/", exchange -> {
            most.accumulateAndGet(open.incrementAndGet(), Math::max);
            try {
                exchange.getRequestBody().readAllBytes();
                answer.await(); // stalls until the test lets every request through
                exchange.sendResponseHeaders(200, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                open.decrementAndGet();
                exchange.close();
            }
        });
        stalled.start();
        try {
            LoadGenerator load = new LoadGenerator("http://127.0.0.1:" + stalled.getAddress().getPort() + "/infer",
                    1000, 0, Duration.ofMinutes(2));
            try {
                Await.until("the generator at its cap", Duration.ofSeconds(60),
                        () -> load.skipped() > 0, () -> false, load::toString);
                Await.until("the server holding the requests sent", Duration.ofSeconds(60),
                        () -> open.get() == load.sent(), () -> false, () -> open.get() + " open; " + load);
                assertEquals(LoadGenerator.MAX_IN_FLIGHT, load.sent(), load.toString());
            } finally {
                answer.countDown();
                load.close();
            }
            assertEquals(LoadGenerator.MAX_IN_FLIGHT, most.get(), "requests the stalled server held at once");
            assertEquals(load.sent(), load.ok(), load.toString());
            assertEquals(0, load.failures(), load.toString());
        } finally {
            stalled.stop(0);
        }
    }
}
