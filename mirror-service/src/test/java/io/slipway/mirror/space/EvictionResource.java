package io.slipway.mirror.space;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.slipway.mirror.support.DistributionRegistry;
import io.slipway.testsupport.Part;
import io.slipway.testsupport.Requirements;
import java.util.Map;
import java.util.UUID;

/**
 * A mirror with a cache limit in front of a real docker-registry upstream ({@code hub}), on a store of its own.
 * Tests find the upstream through {@code slipway.t.evict.*} system properties.
 */
public class EvictionResource implements QuarkusTestResourceLifecycleManager {

    /** Room for two of the test's images, not three. */
    static final long LIMIT = 1_500_000;

    private DistributionRegistry upstream;

    @Override
    public Map<String, String> start() {
        Requirements.require(Part.DOCKER_REGISTRY);
        upstream = DistributionRegistry.anonymous();
        System.setProperty("slipway.t.evict.url", upstream.url());
        System.setProperty("slipway.t.evict.log", upstream.log().toString());
        return Map.of("mirror.storage.root", "target/registry-evict-test-" + UUID.randomUUID(),
                "mirror.upstreams.hub.url", upstream.url(),
                "mirror.space.cache-limit", Long.toString(LIMIT),
                "mirror.space.eviction-min-idle", "0s",
                "mirror.space.recency-resolution", "0s"); // every hit recorded: recency order without waiting
    }

    @Override
    public void stop() {
        if (upstream != null) {
            upstream.close();
        }
    }
}
