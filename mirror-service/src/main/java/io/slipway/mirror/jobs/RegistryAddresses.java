package io.slipway.mirror.jobs;

import io.slipway.mirror.config.MirrorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.List;

/** The base URL of a registry named by host[:port]: HTTPS, except loopback and the configured insecure registries. */
@ApplicationScoped
public class RegistryAddresses {

    private final List<String> insecure;

    public RegistryAddresses(MirrorConfig config) {
        this.insecure = config.jobs().insecureRegistries().orElse(List.of());
    }

    /** {@code scheme} as the request gave it (http, https), or null to decide by host. */
    public URI base(String host, String scheme) {
        return URI.create((scheme != null ? scheme : insecure(host) ? "http" : "https") + "://" + host + "/");
    }

    private boolean insecure(String host) {
        String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1)
                : host.contains(":") ? host.substring(0, host.lastIndexOf(':')) : host;
        return insecure.contains(host) || insecure.contains(name) || name.equals("localhost")
                || name.startsWith("127.") || name.equals("[::1]");
    }
}
