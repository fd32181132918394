package io.slipway.mirror.jobs;

import io.slipway.mirror.config.MirrorConfig;
import io.slipway.mirror.jobs.ecr.EcrControlPlane;
import io.slipway.mirror.proxy.Namespaces;
import io.slipway.mirror.registry.BlobStore;
import io.slipway.mirror.registry.ManifestStore;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
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
    private final BlobUpload blobUpload;

    public Destinations(MirrorConfig config, RegistryAddresses addresses, EcrControlPlane ecr, BlobStore blobs,
            ManifestStore manifests, Namespaces namespaces, Vertx vertx) {
        this.config = config;
        this.addresses = addresses;
        this.ecr = ecr;
        this.blobs = blobs;
        this.manifests = manifests;
        this.namespaces = namespaces;
        this.blobUpload = new BlobUpload(vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(16)
                .setConnectTimeout((int) config.proxy().connectTimeout().toMillis())), PUSH_TIMEOUT);
    }

    /** {@code mirrorHost}: how the job's caller reached this mirror, the host its rewritten references name. */
    public Destination open(MirrorTarget target, String mirrorHost) throws IOException {
        return switch (target.kind()) {
            case MIRROR -> new ThisMirror(mirrorHost, blobs, manifests, namespaces);
            case REGISTRY -> new RemoteRegistry(target.host(), addresses.base(target.host(), target.scheme()),
                    target.username(), target.password(), repository -> { }, blobUpload, config.proxy().connectTimeout(),
                    PUSH_TIMEOUT);
            case ECR -> {
                EcrControlPlane.RegistryLogin login = ecr.login(target.account(), target.region());
                URI endpoint = login.endpoint();
                yield new RemoteRegistry(endpoint.getAuthority(), endpoint.resolve("/"),
                        Optional.of(login.username()), Optional.of(login.password()),
                        repository -> ecr.ensureRepository(target.account(), target.region(), repository),
                        blobUpload, config.proxy().connectTimeout(), PUSH_TIMEOUT);
            }
        };
    }
}
