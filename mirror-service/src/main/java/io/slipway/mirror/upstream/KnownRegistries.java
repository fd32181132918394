package io.slipway.mirror.upstream;

import java.util.Map;
import java.util.Optional;

/**
 * Registries that are switched on by name alone ({@code mirror.upstreams.ghcr.enabled=true}): the common homes of
 * model images, so that a first run needs no URL. The name is also the prefix of prefix mode ({@code <mirror>/ghcr/…}).
 */
public final class KnownRegistries {

    private static final Map<String, String> URLS = Map.of(
            "dockerhub", "https://registry-1.docker.io",
            "ghcr", "https://ghcr.io",
            "nvcr", "https://nvcr.io",
            "quay", "https://quay.io",
            "ecrpublic", "https://public.ecr.aws");

    private KnownRegistries() {}

    public static Optional<String> url(String name) {
        return Optional.ofNullable(URLS.get(name));
    }
}
