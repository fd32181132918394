package io.slipway.gateway.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slipway.gateway.config.GatewayConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the mirror holds and saved, from its Prometheus metrics ({@code /q/metrics}) and its readiness document
 * (upstream reachability): bytes stored (all of it, and the part cached from upstreams, as of the mirror's last
 * measurement), cache hits and misses, bytes served (from its store, streamed from upstream, manifests) against the
 * bytes it fetched from upstream.
 */
@ApplicationScoped
public class MirrorFigures {

    /** The mirror's figures since it started; {@code error} is set when it did not answer. */
    public record Figures(long hits, long misses, long servedFromStore, long servedFromUpstream,
            long servedManifests, long fetchedFromUpstream, long storedBytes, long cachedBytes, List<String> upstreams,
            String error) {

        public String hitRatio() {
            long all = hits + misses;
            return all == 0 ? "–" : String.format("%.1f %%", 100.0 * hits / all);
        }

        public long served() {
            return servedFromStore + servedFromUpstream + servedManifests;
        }

        /** Bytes clients got that were not fetched from upstream: the pulls the mirror saved. */
        public long saved() {
            return Math.max(0, served() - fetchedFromUpstream);
        }
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)\\})?\\s+(\\S+)");

    private final WebClient client;
    private final ObjectMapper json;
    private final String mirrorUrl;

    public MirrorFigures(Vertx vertx, ObjectMapper json, GatewayConfig config) {
        this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(3_000));
        this.json = json;
        this.mirrorUrl = config.console().mirrorUrl().replaceAll("/+$", "");
    }

    public Uni<Figures> now() {
        Uni<String> metrics = client.getAbs(mirrorUrl + "/q/metrics").timeout(5_000).send()
                .map(r -> r.statusCode() == 200 ? r.bodyAsString() : "");
        Uni<List<String>> upstreams = client.getAbs(mirrorUrl + "/q/health/ready").timeout(5_000).send()
                .map(r -> upstreams(r.bodyAsString()));
        return Uni.combine().all().unis(metrics, upstreams).asTuple().map(t -> parse(t.getItem1(), t.getItem2()))
                .onFailure().recoverWithItem(failure -> new Figures(0, 0, 0, 0, 0, 0, 0, 0, List.of(),
                        "mirror-service did not answer: " + failure.getMessage()));
    }

    static Figures parse(String metrics, List<String> upstreams) {
        long[] f = new long[8];
        for (String line : metrics.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (line.startsWith("#") || !m.find()) {
                continue;
            }
            String name = m.group(1);
            String labels = m.group(3) == null ? "" : m.group(3);
            long value = (long) Double.parseDouble(m.group(4));
            switch (name) {
                case "mirror_cache_requests_total" -> f[labels.contains("result=\"hit\"") ? 0 : 1] += value;
                case "mirror_bytes_served_total" -> f[labels.contains("source=\"store\"") ? 2
                        : labels.contains("source=\"upstream\"") ? 3 : 4] += value;
                case "mirror_upstream_bytes_fetched_total" -> f[5] += value;
                case "mirror_storage_stored_bytes" -> f[6] = value;
                case "mirror_storage_cached_bytes" -> f[7] = value;
                default -> { }
            }
        }
        return new Figures(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], upstreams, null);
    }

    private List<String> upstreams(String health) {
        List<String> found = new ArrayList<>();
        try {
            for (JsonNode check : json.readTree(health).path("checks")) {
                if (check.path("name").asText().contains("upstream")) {
                    check.path("data").fields().forEachRemaining(e -> found.add(e.getKey() + ": " + e.getValue()
                            .asText()));
                }
            }
        } catch (IOException | RuntimeException e) {
            found.add("unknown (no health document)");
        }
        return found;
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
