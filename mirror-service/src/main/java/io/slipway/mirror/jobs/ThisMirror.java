package io.slipway.mirror.jobs;

import io.slipway.mirror.proxy.Namespaces;
import io.slipway.mirror.registry.BlobStore;
import io.slipway.mirror.registry.Digest;
import io.slipway.mirror.registry.ManifestReference;
import io.slipway.mirror.registry.ManifestStore;
import io.slipway.mirror.registry.RepositoryName;
import io.slipway.mirror.registry.StoredManifest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * This mirror as a job's destination: straight into its blob and manifest stores (no HTTP round trip to itself), with
 * the same checks as a push (caches of upstreams are read-only, blobs verified, manifests' references present).
 */
final class ThisMirror implements Destination {

    private final String host;
    private final BlobStore blobs;
    private final ManifestStore manifests;
    private final Namespaces namespaces;

    ThisMirror(String host, BlobStore blobs, ManifestStore manifests, Namespaces namespaces) {
        this.host = host;
        this.blobs = blobs;
        this.manifests = manifests;
        this.namespaces = namespaces;
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public void prepare(String repository) {
        namespaces.forPush(RepositoryName.of(repository));
    }

    @Override
    public Optional<Digest> manifestDigest(String repository, String reference) throws IOException {
        return manifests.get(RepositoryName.of(repository), ManifestReference.parse(reference))
                .map(StoredManifest::digest);
    }

    @Override
    public boolean hasBlob(String repository, Digest digest) {
        return blobs.linked(RepositoryName.of(repository), digest);
    }

    /** One store holds every repository's blobs: a mount is a link to bytes that are already there. */
    @Override
    public boolean mount(String repository, Digest digest, String from) throws IOException {
        if (blobs.size(RepositoryName.of(repository), digest, true).isEmpty()) {
            return false;
        }
        blobs.link(RepositoryName.of(repository), digest);
        return true;
    }

    @Override
    public void pushBlob(String repository, Digest digest, long size, InputStream content) throws IOException {
        blobs.writeVerified(content, digest, size, io.slipway.mirror.registry.BlobWriteObserver.NONE);
        blobs.link(RepositoryName.of(repository), digest);
    }

    @Override
    public void putManifest(String repository, String reference, String mediaType, byte[] content)
            throws IOException {
        manifests.put(RepositoryName.of(repository), ManifestReference.parse(reference), mediaType, content, true);
    }
}
