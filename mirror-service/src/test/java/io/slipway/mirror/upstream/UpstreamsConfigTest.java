package io.slipway.mirror.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.slipway.mirror.config.MirrorConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.slipway.mirror.metrics.MirrorMetrics;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The upstreams a mirror gets from environment variables as docker-compose.yml sets them (no upstream is contacted). */
class UpstreamsConfigTest {

    private static Upstreams fromEnv(Map<String, String> env) {
        MirrorConfig config = new SmallRyeConfigBuilder().withMapping(MirrorConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter()).withSources(new EnvConfigSource(env, 300)).build().getConfigMapping(MirrorConfig.class);
        return new Upstreams(config, new MirrorMetrics(new SimpleMeterRegistry()));
    }

    @Test
    void composeDefaultsGiveDockerHubAsPrefixAndDaemonMirrorUpstreamWithOptionalCredentials() {
        // What compose passes with no SLIPWAY_* variable set: Docker Hub on, the others off, empty credentials.
        Upstreams defaults = fromEnv(Map.of("MIRROR_UPSTREAMS_DOCKERHUB_ENABLED", "true",
                "MIRROR_UPSTREAMS_DOCKERHUB_USERNAME", "", "MIRROR_UPSTREAMS_DOCKERHUB_PASSWORD", "",
                "MIRROR_UPSTREAMS_GHCR_ENABLED", "false", "MIRROR_UPSTREAMS_NVCR_ENABLED", "false",
                "MIRROR_UPSTREAMS_QUAY_ENABLED", "false", "MIRROR_UPSTREAMS_ECRPUBLIC_ENABLED", "false",
                "MIRROR_PROXY_DEFAULT_UPSTREAM", "dockerhub"));
        assertEquals(List.of("dockerhub"), defaults.all().stream().map(UpstreamRegistry::name).toList());
        assertEquals("https://registry-1.docker.io/", defaults.defaultUpstream().orElseThrow().base().toString());
        assertTrue(defaults.named("ghcr").isEmpty());

        Upstreams more = fromEnv(Map.of("MIRROR_UPSTREAMS_DOCKERHUB_ENABLED", "true",
                "MIRROR_UPSTREAMS_GHCR_ENABLED", "true", "MIRROR_UPSTREAMS_NVCR_ENABLED", "true",
                "MIRROR_UPSTREAMS_QUAY_ENABLED", "true", "MIRROR_UPSTREAMS_ECRPUBLIC_ENABLED", "true",
                "MIRROR_PROXY_DEFAULT_UPSTREAM", "dockerhub"));
        assertEquals(Map.of("dockerhub", "https://registry-1.docker.io/", "ghcr", "https://ghcr.io/",
                        "nvcr", "https://nvcr.io/", "quay", "https://quay.io/", "ecrpublic", "https://public.ecr.aws/"),
                Map.copyOf(more.all().stream().collect(java.util.stream.Collectors.toMap(UpstreamRegistry::name,
                        u -> u.base().toString()))));
    }

    @Test
    void dockerHubSwitchedOffLeavesDaemonMirrorModeOffAndAnUnknownNameNeedsAUrl() {
        Upstreams off = fromEnv(Map.of("MIRROR_UPSTREAMS_DOCKERHUB_ENABLED", "false",
                "MIRROR_PROXY_DEFAULT_UPSTREAM", "dockerhub"));
        assertTrue(off.all().isEmpty());
        assertTrue(off.defaultUpstream().isEmpty());

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> fromEnv(Map.of("MIRROR_UPSTREAMS_INTERNAL_USERNAME", "bot")));
        assertTrue(e.getMessage().contains("mirror.upstreams.internal.url"), e.getMessage());
        assertEquals("http://127.0.0.1:1/", fromEnv(Map.of("MIRROR_UPSTREAMS_INTERNAL_URL", "http://127.0.0.1:1"))
                .named("internal").orElseThrow().base().toString());
    }
}
