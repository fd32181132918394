package io.slipway.deploy.proxy.nginx;

import io.slipway.deploy.proxy.Route;
import io.slipway.deploy.state.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The per-service files in nginx's slipway directory: {@code upstreams/<svc>.conf} (the servers; its first line
 * records color and deploy) and {@code routes/<svc>.conf} (the location). Written by temp file + fsync + rename, so
 * nginx never reads half a file and a crash leaves the old or the new file. nginx's {@code slipway-apply} renders them
 * into {@code live/} (what nginx runs; a service whose hosts do not resolve gets a fallback there).
 */
final class NginxFiles {

    private static final Pattern HEADER = Pattern.compile("^# slipway deploy-controller: service=(\\S+) color=(\\S+) "
            + "deploy=(\\S+)", Pattern.MULTILINE);
    private static final Pattern SERVER = Pattern.compile("^\\s*server\\s+([A-Za-z0-9_.-]+):(\\d+)(?:\\s+weight=(\\d+))?[\\s;]",
            Pattern.MULTILINE);

    private final Path dir;

    NginxFiles(Path dir) {
        this.dir = dir;
    }

    /** Both files as they are now (absent ones as empty), to put back when nginx refuses new ones. */
    record Snapshot(String service, Optional<String> upstream, Optional<String> route) {}

    Optional<Route> read(String service) throws IOException {
        Path file = upstream(service);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        String text = Files.readString(file);
        List<Route.Backend> backends = new ArrayList<>();
        Matcher server = SERVER.matcher(text);
        while (server.find()) {
            backends.add(new Route.Backend(server.group(1), Integer.parseInt(server.group(2)),
                    server.group(3) == null ? 1 : Integer.parseInt(server.group(3))));
        }
        Matcher header = HEADER.matcher(text);
        if (header.find() && header.group(1).equals(service)) {
            return Optional.of(new Route(service, header.group(2), header.group(3), backends));
        }
        return Optional.of(new Route(service, Route.UNMANAGED, "", backends));
    }

    Snapshot snapshot(String service) throws IOException {
        return new Snapshot(service, readIfExists(upstream(service)), readIfExists(route(service)));
    }

    /** True when {@code live/} holds exactly the service's files: nginx loaded them as written. */
    boolean isLive(String service) throws IOException {
        Path live = dir.resolve("live");
        return same(upstream(service), live.resolve("upstreams").resolve(service + ".conf"))
                && same(route(service), live.resolve("routes").resolve(service + ".conf"));
    }

    private static boolean same(Path desired, Path live) throws IOException {
        Optional<String> want = readIfExists(desired);
        return want.isPresent() && want.equals(readIfExists(live));
    }

    void write(Route route) throws IOException {
        writeAtomically(upstream(route.service()), upstreamText(route));
        writeAtomically(route(route.service()), routeText(route));
    }

    void restore(Snapshot snapshot) throws IOException {
        restore(upstream(snapshot.service()), snapshot.upstream());
        restore(route(snapshot.service()), snapshot.route());
    }

    static String upstreamText(Route route) {
        StringBuilder s = new StringBuilder();
        s.append("# slipway deploy-controller: service=").append(route.service()).append(" color=")
                .append(route.color()).append(" deploy=").append(route.deployId()).append('\n');
        s.append("# written by deploy-controller; do not edit (the next deploy replaces it)\n");
        s.append("upstream slipway_model_").append(route.service()).append(" {\n");
        // Replicas of a model differ in how long a request takes (batching, GPU queue): the least busy one gets the
        // next request rather than the next in turn. A canary's split keeps nginx's weighted round robin, so each
        // color gets its weight's share of the requests (least_conn would favour the idle new color).
        if (route.backends().stream().allMatch(b -> b.weight() == 1)) {
            s.append("    least_conn;\n");
        }
        for (Route.Backend b : route.backends()) {
            s.append("    server ").append(b.host()).append(':').append(b.port());
            if (b.weight() != 1) {
                // A canary's share: nginx sends each server weight/sum of the requests.
                s.append(" weight=").append(b.weight());
            }
            s.append(" max_fails=0;\n");
        }
        s.append("    keepalive 32;\n}\n");
        return s.toString();
    }

    static String routeText(Route route) {
        String svc = route.service();
        return "# written by deploy-controller for deploy " + route.deployId() + "\n"
                + "location /models/" + svc + "/ {\n"
                // A held service's requests reach the hold listener under /hold/<svc>/, which names the service.
                + "    proxy_pass http://slipway_model_" + svc + (Route.HOLD.equals(route.color()) ? "/hold/" + svc
                + "/" : "/") + ";\n"
                + "    proxy_next_upstream error http_502 http_503 non_idempotent;\n"
                + "    proxy_next_upstream_tries 3;\n"
                + "    add_header X-Slipway-Color " + route.color() + " always;\n"
                + "}\n";
    }

    private void restore(Path file, Optional<String> content) throws IOException {
        if (content.isPresent()) {
            writeAtomically(file, content.get());
        } else {
            AtomicFile.delete(file);
        }
    }

    private Path upstream(String service) {
        return dir.resolve("upstreams").resolve(service + ".conf");
    }

    private Path route(String service) {
        return dir.resolve("routes").resolve(service + ".conf");
    }

    private static Optional<String> readIfExists(Path file) throws IOException {
        return Files.exists(file) ? Optional.of(Files.readString(file)) : Optional.empty();
    }

    private static void writeAtomically(Path file, String content) throws IOException {
        AtomicFile.write(file, content.getBytes(StandardCharsets.UTF_8));
    }
}
