package io.slipway.mirror.proxy;

import io.slipway.mirror.registry.ErrorCode;
import io.slipway.mirror.registry.ManifestStore;
import io.slipway.mirror.registry.RepositoryName;
import io.slipway.mirror.upstream.UpstreamRegistry;
import io.slipway.mirror.upstream.Upstreams;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.Optional;

/**
 * Maps request names to repositories. In order: (1) prefix mode, {@code <upstream-name>/<repo>}; (2) a repository
 * that was pushed here is local; (3) Docker daemon mirror mode, when a default upstream is set: {@code library/x} and
 * {@code user/repo} pull through it; (4) anything else is a local repository.
 */
@ApplicationScoped
public class Namespaces {

    private final Upstreams upstreams;
    private final ManifestStore manifests;

    public Namespaces(Upstreams upstreams, ManifestStore manifests) {
        this.upstreams = upstreams;
        this.manifests = manifests;
    }

    public RepositoryTarget forPull(RepositoryName name) throws IOException {
        Optional<UpstreamRegistry> prefixed = prefixUpstream(name);
        if (prefixed.isPresent()) {
            return RepositoryTarget.proxy(name, prefixed.get(), name.rest());
        }
        Optional<UpstreamRegistry> daemonMirror = upstreams.defaultUpstream();
        if (daemonMirror.isPresent() && isDockerHubShaped(name)
                && (name.firstComponent().equals("library") || !manifests.exists(name))) {
            return RepositoryTarget.proxy(name, daemonMirror.get(), name.value());
        }
        return RepositoryTarget.local(name);
    }

    /** Push and delete: only local repositories; caches of upstreams are read-only. */
    public RepositoryTarget forPush(RepositoryName name) {
        if (prefixUpstream(name).isPresent()
                || (upstreams.defaultUpstream().isPresent() && name.firstComponent().equals("library"))) {
            throw ErrorCode.UNSUPPORTED.exception(name + " is a pull-through cache of an upstream; it is read-only");
        }
        return RepositoryTarget.local(name);
    }

    private Optional<UpstreamRegistry> prefixUpstream(RepositoryName name) {
        return name.rest() == null ? Optional.empty() : upstreams.named(name.firstComponent());
    }

    private static boolean isDockerHubShaped(RepositoryName name) {
        return name.components() == 2;
    }
}
