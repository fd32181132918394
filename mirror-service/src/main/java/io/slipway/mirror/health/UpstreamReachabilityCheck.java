package io.slipway.mirror.health;

import io.slipway.mirror.upstream.UpstreamRegistry;
import io.slipway.mirror.upstream.Upstreams;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Reports whether each upstream answers {@code GET /v2/}. Always UP: a mirror with a down upstream still serves its
 * cache and local repositories, so upstream trouble must not take it out of rotation. Results are kept 10 s.
 */
@Readiness
@ApplicationScoped
public class UpstreamReachabilityCheck implements HealthCheck {

    private static final Duration PING_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration KEEP = Duration.ofSeconds(10);

    private final Upstreams upstreams;
    private final Map<String, Probe> probes = new ConcurrentHashMap<>();

    public UpstreamReachabilityCheck(Upstreams upstreams) {
        this.upstreams = upstreams;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("upstreams-reachable").up();
        for (UpstreamRegistry u : upstreams.all()) {
            Probe p = probes.compute(u.name(), (name, old) -> old != null && old.at().plus(KEEP).isAfter(Instant.now())
                    ? old : new Probe(u.ping(PING_TIMEOUT), Instant.now()));
            response.withData(u.name(), (p.reachable() ? "reachable " : "unreachable ") + u.base());
        }
        return response.build();
    }

    private record Probe(boolean reachable, Instant at) {}
}
