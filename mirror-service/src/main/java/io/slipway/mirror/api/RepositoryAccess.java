package io.slipway.mirror.api;

import io.slipway.mirror.proxy.Namespaces;
import io.slipway.mirror.proxy.RepositoryTarget;
import io.slipway.mirror.registry.RepositoryName;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;

/** A request's repository, once the caller may use it: what to pull from, or the local repository to push to. */
@ApplicationScoped
public class RepositoryAccess {

    private final RegistryAccess access;
    private final Namespaces namespaces;

    public RepositoryAccess(RegistryAccess access, Namespaces namespaces) {
        this.access = access;
        this.namespaces = namespaces;
    }

    public RepositoryTarget pull(RegistryRequest request, RepositoryName name) throws IOException {
        access.checkPull(request.authorization(), request.base(), name.value());
        return namespaces.forPull(name);
    }

    public RepositoryName push(RegistryRequest request, RepositoryName name) {
        access.checkPush(request.authorization(), request.base(), name.value());
        return namespaces.forPush(name).local();
    }
}
