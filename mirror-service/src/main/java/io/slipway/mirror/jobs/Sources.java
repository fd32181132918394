package io.slipway.mirror.jobs;

import io.slipway.mirror.config.MirrorConfig;
import io.slipway.mirror.metrics.MirrorMetrics;
import io.slipway.mirror.upstream.UpstreamRegistry;
import io.slipway.mirror.upstream.Upstreams;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a job reads its images: the {@link UpstreamRegistry} client, the configured upstream (with its credentials)
 * when one has the image's registry as its URL, else an anonymous client of that registry. Clients are kept per
 * registry so that their tokens are reused across jobs.
 */
@ApplicationScoped
public class Sources {

    private static final String DOCKER_HUB_API = "registry-1.docker.io";

    private final Upstreams upstreams;
    private final RegistryAddresses addresses;
    private final MirrorConfig config;
    private final MirrorMetrics metrics;
    private final Map<String, UpstreamRegistry> anonymous = new ConcurrentHashMap<>();

    public Sources(Upstreams upstreams, RegistryAddresses addresses, MirrorConfig config, MirrorMetrics metrics) {
        this.upstreams = upstreams;
        this.addresses = addresses;
        this.config = config;
        this.metrics = metrics;
    }

    public UpstreamRegistry forRegistry(String registry) {
        String host = registry.equals(ImageName.DOCKER_HUB) ? DOCKER_HUB_API : registry;
        Optional<UpstreamRegistry> configured = upstreams.all().stream()
                .filter(u -> u.base().getAuthority().equals(host)).findFirst();
        return configured.orElseGet(() -> anonymous.computeIfAbsent(host, h -> new UpstreamRegistry(h,
                addresses.base(h, null), Optional.empty(), Optional.empty(), config.proxy().connectTimeout(),
                config.proxy().responseTimeout(), metrics)));
    }
}
