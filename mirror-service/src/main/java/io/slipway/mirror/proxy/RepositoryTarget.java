package io.slipway.mirror.proxy;

import io.slipway.mirror.registry.RepositoryName;
import io.slipway.mirror.upstream.UpstreamRegistry;
import java.util.Optional;

/**
 * What a repository name in a request means: a local repository, or a pull-through cache of {@code remoteName} on an
 * upstream, whose cached content is stored under {@code local} ({@code <upstream-name>/<remote name>}).
 */
public record RepositoryTarget(RepositoryName requested, RepositoryName local, Optional<UpstreamRegistry> upstream,
        String remoteName) {

    public static RepositoryTarget local(RepositoryName name) {
        return new RepositoryTarget(name, name, Optional.empty(), null);
    }

    public static RepositoryTarget proxy(RepositoryName requested, UpstreamRegistry upstream, String remoteName) {
        return new RepositoryTarget(requested, RepositoryName.of(upstream.name() + "/" + remoteName),
                Optional.of(upstream), remoteName);
    }

    public boolean isProxy() {
        return upstream.isPresent();
    }
}
