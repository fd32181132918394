package io.slipway.mirror.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Settings of the mirror; every key can be set by environment variable, e.g. {@code MIRROR_STORAGE_ROOT}. */
@ConfigMapping(prefix = "mirror")
public interface MirrorConfig {

    Storage storage();

    Auth auth();

    Proxy proxy();

    /**
     * Upstream registries by name, e.g. {@code mirror.upstreams.dockerhub.url=https://registry-1.docker.io}.
     * The name is also the prefix of prefix mode: {@code <mirror>/dockerhub/library/nginx}.
     */
    Map<String, Upstream> upstreams();

    interface Storage {
        /** Directory of the filesystem store (the embedded default). */
        @WithDefault("/var/lib/slipway/registry")
        String root();
    }

    interface Auth {
        /** User that may push and delete (HTTP basic). */
        @WithDefault("slipway")
        String username();

        /** Its password; without one, push and delete are refused. */
        Optional<String> password();

        /** Whether pulls need no credentials. */
        @WithDefault("true")
        boolean anonymousPull();
    }

    interface Proxy {
        /** Upstream that serves Docker daemon mirror mode ({@code library/x}, {@code user/repo}); none by default. */
        Optional<String> defaultUpstream();

        /** How long a cached tag is served before it is re-validated with a HEAD on the upstream. */
        @WithDefault("5M")
        Duration tagTtl();

        @WithDefault("5S")
        Duration connectTimeout();

        /** Time until the upstream's response headers arrive. */
        @WithDefault("30S")
        Duration responseTimeout();
    }

    interface Upstream {
        /** Base URL, e.g. {@code https://registry-1.docker.io}. */
        String url();

        Optional<String> username();

        Optional<String> password();
    }
}
