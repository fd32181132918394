package io.slipway.mirror.jobs;

import io.slipway.mirror.config.MirrorConfig;
import io.slipway.mirror.jobs.ecr.EcrControlPlane;
import io.slipway.mirror.proxy.Namespaces;
import io.slipway.mirror.registry.BlobStore;
import io.slipway.mirror.registry.ManifestStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** Opens a job's {@link Destination}: this mirror's stores, a registry over HTTP, or ECR (login first). */
@ApplicationScoped
public class Destinations {

    private static final Duration PUSH_TIMEOUT = Duration.ofMinutes(30);

    private final MirrorConfig config;
    private final RegistryAddresses addresses;
    private final EcrControlPlane ecr;
    private final BlobStore blobs;
    private final ManifestStore manifests;
    private final Namespaces namespaces;

    public Destinations(MirrorConfig config, RegistryAddresses addresses, EcrControlPlane ecr, BlobStore blobs,
            ManifestStore manifests, Namespaces namespaces) {
        this.config = config;
        this.addresses = addresses;
        this.ecr = ecr;
        this.blobs = blobs;
        this.manifests = manifests;
        this.namespaces = namespaces;
    }

    /** {@code mirrorHost}: how the job's caller reached this mirror, the host its rewritten references name. */
    public Destination open(MirrorTarget target, String mirrorHost) throws IOException {
        return switch (target.kind()) {
            case MIRROR -> new ThisMirror(mirrorHost, blobs, manifests, namespaces);
            case REGISTRY -> new RemoteRegistry(target.host(), addresses.base(target.host(), target.scheme()),
                    target.username(), target.password(), repository -> { }, config.proxy().connectTimeout(),
                    PUSH_TIMEOUT);
            case ECR -> {
                EcrControlPlane.RegistryLogin login = ecr.login(target.account(), target.region());
                URI endpoint = login.endpoint();
                yield new RemoteRegistry(endpoint.getAuthority(), endpoint.resolve("/"),
                        Optional.of(login.username()), Optional.of(login.password()),
                        repository -> ecr.ensureRepository(target.account(), target.region(), repository),
                        config.proxy().connectTimeout(), PUSH_TIMEOUT);
            }
        };
    }
}
