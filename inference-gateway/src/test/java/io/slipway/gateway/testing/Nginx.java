package io.slipway.gateway.testing;

import io.slipway.testsupport.Ports;
import io.slipway.testsupport.ChildProcess;
import io.slipway.testsupport.Part;
import io.slipway.testsupport.Requirements;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A real nginx (the Debian package) routing {@code /models/<model>/} to upstream servers, the way slipway's nginx
 * routes to model services, on a free 127.0.0.1 port.
 */
public final class Nginx implements AutoCloseable {

    private static final Path BINARY = Path.of("/usr/sbin/nginx");

    private final int port;
    private final Path dir;
    private final ChildProcess process;

    private Nginx(int port, Path dir, ChildProcess process) {
        this.port = port;
        this.dir = dir;
        this.process = process;
    }

    /** {@code routes}: model name to its upstream servers ({@code 127.0.0.1:port}). */
    public static Nginx start(Map<String, List<String>> routes) {
        Requirements.require(Part.NGINX);
        try {
            Path dir = Files.createTempDirectory("slipway-t-gateway-nginx-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            int port = Ports.freePort();
            StringBuilder upstreams = new StringBuilder();
            StringBuilder locations = new StringBuilder();
            for (Map.Entry<String, List<String>> route : routes.entrySet()) {
                String name = route.getKey().replaceAll("[^a-z0-9_]", "_");
                upstreams.append("upstream m_").append(name).append(" {\n")
                        .append(route.getValue().stream().map(s -> "    server " + s + " max_fails=0;\n")
                                .collect(Collectors.joining()))
                        .append("    keepalive 32;\n}\n");
                locations.append("location /models/").append(route.getKey()).append("/ {\n")
                        .append("    proxy_pass http://m_").append(name).append("/;\n")
                        .append("    proxy_next_upstream error timeout http_502 http_503 non_idempotent;\n")
                        .append("    proxy_next_upstream_tries 3;\n}\n");
            }
            String config = """
                    worker_processes 1;
                    daemon off;
                    pid %1$s/nginx.pid;
                    error_log %1$s/error.log warn;
                    events { worker_connections 1024; }
                    http {
                        access_log off;
                        client_body_temp_path %1$s/body;
                        proxy_temp_path %1$s/proxy;
                        fastcgi_temp_path %1$s/fastcgi;
                        uwsgi_temp_path %1$s/uwsgi;
                        scgi_temp_path %1$s/scgi;
                        client_max_body_size 64m;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_read_timeout 300s;
                        proxy_buffering off;
                        proxy_request_buffering off;
                        %2$s
                        server {
                            listen 127.0.0.1:%3$d;
                            location = /nginx-health { return 200 "ok\\n"; }
                            %4$s
                        }
                    }
                    """.formatted(dir, upstreams, port, locations);
            Path file = dir.resolve("nginx.conf");
            Files.writeString(file, config);
            ChildProcess process = new ChildProcess("nginx", List.of(BINARY.toString(), "-p", dir.toString(), "-c",
                    file.toString()), Map.of(), dir.resolve("stdout.log"));
            process.awaitHttp200("http://127.0.0.1:" + port + "/nginx-health", Duration.ofSeconds(60));
            return new Nginx(port, dir, process);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        process.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }
}
