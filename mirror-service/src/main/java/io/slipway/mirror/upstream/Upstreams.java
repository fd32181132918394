package io.slipway.mirror.upstream;

import io.slipway.mirror.config.MirrorConfig;
import io.slipway.mirror.metrics.MirrorMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The configured upstream registries, by name. */
@ApplicationScoped
public class Upstreams {

    private final Map<String, UpstreamRegistry> byName = new TreeMap<>();
    private final Optional<UpstreamRegistry> defaultUpstream;

    public Upstreams(MirrorConfig config, MirrorMetrics metrics) {
        config.upstreams().forEach((name, u) -> byName.put(name, new UpstreamRegistry(name,
                URI.create(u.url().endsWith("/") ? u.url() : u.url() + "/"), u.username(), u.password(),
                config.proxy().connectTimeout(), config.proxy().responseTimeout(), metrics)));
        defaultUpstream = config.proxy().defaultUpstream().map(n -> {
            UpstreamRegistry u = byName.get(n);
            if (u == null) {
                throw new IllegalStateException("mirror.proxy.default-upstream names no upstream: " + n);
            }
            return u;
        });
    }

    public Optional<UpstreamRegistry> named(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Optional<UpstreamRegistry> defaultUpstream() {
        return defaultUpstream;
    }

    public Collection<UpstreamRegistry> all() {
        return byName.values();
    }
}
