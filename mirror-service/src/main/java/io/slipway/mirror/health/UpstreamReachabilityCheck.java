package io.slipway.mirror.health;

import io.quarkus.runtime.StartupEvent;
import io.slipway.mirror.upstream.UpstreamRegistry;
import io.slipway.mirror.upstream.Upstreams;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Reports whether each upstream answers {@code GET /v2/}. Always UP: a mirror with a down upstream still serves its
 * cache and local repositories, so upstream trouble must not take it out of rotation. Results are kept 10 s.
 * The first probes start with the service, in the background: the readiness answers a host waits for at start never
 * wait for the network (an upstream's TLS handshake, or its 2 s timeout), and say "probing" until they are back.
 */
@Readiness
@ApplicationScoped
public class UpstreamReachabilityCheck implements HealthCheck {

    private static final Duration PING_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration KEEP = Duration.ofSeconds(10);
    /** One short-lived daemon thread per background probe: they are few, and block on the network. */
    private static final Executor BACKGROUND = r -> {
        Thread t = new Thread(r, "upstream-probe");
        t.setDaemon(true);
        t.start();
    };

    private final Upstreams upstreams;
    private final Map<String, Probe> probes = new ConcurrentHashMap<>();

    public UpstreamReachabilityCheck(Upstreams upstreams) {
        this.upstreams = upstreams;
    }

    void onStart(@Observes StartupEvent event) {
        for (UpstreamRegistry u : upstreams.all()) {
            probes.put(u.name(), new Probe(CompletableFuture.supplyAsync(() -> u.ping(PING_TIMEOUT), BACKGROUND),
                    Instant.now()));
        }
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("upstreams-reachable").up();
        for (UpstreamRegistry u : upstreams.all()) {
            Probe p = probes.compute(u.name(), (name, old) -> old != null && (!old.result().isDone() || old.fresh())
                    ? old : new Probe(CompletableFuture.completedFuture(u.ping(PING_TIMEOUT)), Instant.now()));
            response.withData(u.name(), p.describe() + " " + u.base());
        }
        return response.build();
    }

    private record Probe(CompletableFuture<Boolean> result, Instant at) {
        boolean fresh() {
            return at.plus(KEEP).isAfter(Instant.now());
        }

        String describe() {
            return !result.isDone() ? "probing" : result.join() ? "reachable" : "unreachable";
        }
    }
}
