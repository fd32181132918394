package io.slipway.mirror.upstream;

import io.slipway.mirror.config.MirrorConfig;
import io.slipway.mirror.metrics.MirrorMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/** The configured upstream registries, by name. */
@ApplicationScoped
public class Upstreams {

    private static final Logger LOG = Logger.getLogger(Upstreams.class);

    private final Map<String, UpstreamRegistry> byName = new TreeMap<>();
    private final Optional<UpstreamRegistry> defaultUpstream;

    public Upstreams(MirrorConfig config, MirrorMetrics metrics) {
        config.upstreams().forEach((name, u) -> {
            if (!u.enabled()) {
                return;
            }
            String url = u.url().or(() -> KnownRegistries.url(name)).orElseThrow(() -> new IllegalStateException(
                    "mirror.upstreams." + name + ".url is missing (only well-known registries may leave it out)"));
            byName.put(name, new UpstreamRegistry(name, URI.create(url.endsWith("/") ? url : url + "/"),
                    u.username().filter(s -> !s.isEmpty()), u.password().filter(s -> !s.isEmpty()),
                    config.proxy().connectTimeout(), config.proxy().responseTimeout(), metrics));
        });
        defaultUpstream = config.proxy().defaultUpstream().filter(n -> !n.isEmpty()).flatMap(n -> {
            UpstreamRegistry u = byName.get(n);
            if (u == null) {
                MirrorConfig.Upstream configured = config.upstreams().get(n);
                if (configured != null && !configured.enabled()) {
                    LOG.infof("default upstream %s is switched off: Docker daemon mirror mode is off", n);
                    return Optional.empty();
                }
                throw new IllegalStateException("mirror.proxy.default-upstream names no upstream: " + n);
            }
            return Optional.of(u);
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
