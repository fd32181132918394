package io.slipway.mirror.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.Executors;

/**
 * Forwards GET/HEAD to a real registry, slowing response bodies to {@code bytesPerSecond}: makes "kill the mirror in
 * the middle of a pull-through" deterministic. Not a mock: every byte comes from the real registry.
 */
public final class ThrottlingProxy implements AutoCloseable {

    private static final List<String> HEADERS = List.of("Content-Type", "Content-Length", "Docker-Content-Digest",
            "Docker-Distribution-API-Version", "WWW-Authenticate", "Location");

    private final HttpServer server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    public ThrottlingProxy(String target, long bytesPerSecond) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(Executors.newCachedThreadPool());
            server.createContext("/", exchange -> forward(exchange, target, bytesPerSecond));
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void forward(HttpExchange exchange, String target, long bytesPerSecond) throws IOException {
        try (exchange) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.noBody());
            for (String h : List.of("Accept", "Authorization")) {
                List<String> values = exchange.getRequestHeaders().get(h);
                if (values != null) {
                    values.forEach(v -> b.header(h, v));
                }
            }
            HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            for (String h : HEADERS) {
                r.headers().allValues(h).forEach(v -> exchange.getResponseHeaders().add(h, v));
            }
            long length = r.headers().firstValueAsLong("Content-Length").orElse(0);
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(r.statusCode(), head || length == 0 ? -1 : length);
            try (InputStream in = r.body(); OutputStream out = exchange.getResponseBody()) {
                if (head) {
                    return;
                }
                byte[] buf = new byte[16 * 1024];
                long sleepNanos = 1_000_000_000L * buf.length / bytesPerSecond;
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                    out.flush();
                    Thread.sleep(sleepNanos / 1_000_000, (int) (sleepNanos % 1_000_000));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
