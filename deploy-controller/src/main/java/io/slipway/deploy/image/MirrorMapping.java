package io.slipway.deploy.image;

import io.slipway.deploy.engine.ImageReference;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where an image reference is found on the mirror. The mirror serves each upstream under a prefix (prefix mode,
 * {@code <mirror>/<upstream>/<repository>}), so {@code nvcr.io/nvidia/tritonserver:24.05} is
 * {@code <mirror>/nvcr/nvidia/tritonserver:24.05}; a name without a registry is Docker Hub's, where one-part names are
 * {@code library/} ones ({@code nginx} is {@code <mirror>/dockerhub/library/nginx}); a name on the mirror itself stays
 * as it is. Digests are kept: {@code name@sha256:…} is pulled by that digest, a tag next to a digest only names the
 * result. The prefixes are the mirror's names of the registries it knows ({@code dockerhub}, {@code ghcr},
 * {@code nvcr}, {@code quay}, {@code ecrpublic}) plus those configured as {@code host=prefix}.
 */
public final class MirrorMapping {

    private static final Map<String, String> KNOWN = Map.of(
            "docker.io", "dockerhub",
            "index.docker.io", "dockerhub",
            "registry-1.docker.io", "dockerhub",
            "ghcr.io", "ghcr",
            "nvcr.io", "nvcr",
            "quay.io", "quay",
            "public.ecr.aws", "ecrpublic");

    private final String mirrorHost;
    private final Map<String, String> prefixes;

    private MirrorMapping(String mirrorHost, Map<String, String> prefixes) {
        this.mirrorHost = mirrorHost;
        this.prefixes = prefixes;
    }

    /**
     * {@code mirrorHost}: the mirror as the engine reaches it ({@code 127.0.0.1:5000}); {@code upstreams}: more
     * registries the mirror proxies, each {@code host=prefix} (e.g. {@code registry.example:443=corp}).
     */
    public static MirrorMapping of(String mirrorHost, List<String> upstreams) {
        if (mirrorHost == null || mirrorHost.isBlank() || mirrorHost.contains("/")) {
            throw new IllegalArgumentException("the mirror must be host:port as the engine reaches it, e.g. "
                    + "127.0.0.1:5000; got " + mirrorHost);
        }
        Map<String, String> prefixes = new LinkedHashMap<>(KNOWN);
        for (String entry : upstreams) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new IllegalArgumentException("a mirror upstream must be host=prefix; got " + entry);
            }
            prefixes.put(entry.substring(0, eq).strip().toLowerCase(), entry.substring(eq + 1).strip());
        }
        return new MirrorMapping(mirrorHost.strip(), Map.copyOf(prefixes));
    }

    public String mirrorHost() {
        return mirrorHost;
    }

    /** The image on the mirror; empty for a registry the mirror does not proxy. */
    public Optional<MirroredImage> map(ImageReference ref) {
        String registry = ref.domain().map(String::toLowerCase).orElse("docker.io");
        String repository;
        if (isMirror(registry)) {
            repository = ref.path();
        } else {
            String prefix = prefixes.get(registry);
            if (prefix == null) {
                return Optional.empty();
            }
            String path = prefix.equals("dockerhub") && !ref.path().contains("/") ? "library/" + ref.path()
                    : ref.path();
            repository = prefix + "/" + path;
        }
        String pin = ref.digest().map(d -> "@" + d).orElse(":" + ref.tagOrDefault());
        ImageReference pull = ImageReference.parse(mirrorHost + "/" + repository + pin);
        return Optional.of(new MirroredImage(ref, pull, repository + pin));
    }

    private boolean isMirror(String registry) {
        if (registry.equals(mirrorHost.toLowerCase())) {
            return true;
        }
        int colon = mirrorHost.lastIndexOf(':');
        String port = colon < 0 ? "" : mirrorHost.substring(colon);
        boolean loopbackMirror = mirrorHost.startsWith("127.0.0.1:") || mirrorHost.startsWith("localhost:");
        return loopbackMirror && (registry.equals("127.0.0.1" + port) || registry.equals("localhost" + port));
    }

    /**
     * {@code requested} as asked for, {@code pull} what the engine pulls ({@code <mirror>/<prefix>/<path>:<tag>} or
     * {@code @<digest>}), {@code onMirror} the same name as the mirror's own API takes it (no host).
     */
    public record MirroredImage(ImageReference requested, ImageReference pull, String onMirror) {}
}
