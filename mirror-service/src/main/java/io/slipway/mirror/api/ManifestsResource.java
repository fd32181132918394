package io.slipway.mirror.api;

import io.slipway.mirror.metrics.MirrorMetrics;
import io.slipway.mirror.proxy.ManifestPullThrough;
import io.slipway.mirror.proxy.RepositoryTarget;
import io.slipway.mirror.registry.ErrorCode;
import io.slipway.mirror.registry.ManifestReference;
import io.slipway.mirror.registry.ManifestStore;
import io.slipway.mirror.registry.RegistryException;
import io.slipway.mirror.registry.RepositoryName;
import io.slipway.mirror.registry.StoredManifest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;

/** {@code /v2/<name>/manifests/<reference>}: GET, HEAD, PUT, DELETE; pull-through repositories read upstream. */
@ApplicationScoped
public class ManifestsResource {

    static final String OCI_SUBJECT = "OCI-Subject";

    private final RepositoryAccess repositories;
    private final ManifestStore manifests;
    private final ManifestPullThrough pullThrough;
    private final MirrorMetrics metrics;

    public ManifestsResource(RepositoryAccess repositories, ManifestStore manifests, ManifestPullThrough pullThrough,
            MirrorMetrics metrics) {
        this.repositories = repositories;
        this.manifests = manifests;
        this.pullThrough = pullThrough;
        this.metrics = metrics;
    }

    Response get(RegistryRequest request, RepositoryName name, String reference, boolean headOnly)
            throws IOException {
        RepositoryTarget target = repositories.pull(request, name);
        ManifestReference ref = lookup(name, reference);
        StoredManifest m = target.isProxy() ? pullThrough.manifest(target, ref)
                : manifests.get(target.local(), ref).orElseThrow(
                        () -> ErrorCode.MANIFEST_UNKNOWN.exception(name + ":" + ref));
        Response.ResponseBuilder r = Response.ok().type(m.mediaType())
                .header(RegistryHeaders.CONTENT_DIGEST, m.digest().toString())
                .header("Content-Length", m.content().length);
        if (!headOnly) {
            r.entity(m.content());
            metrics.bytesServed("manifest", m.content().length);
        }
        return r.build();
    }

    Response put(RegistryRequest request, RepositoryName name, String reference, InputStream body)
            throws IOException {
        RepositoryName repo = repositories.push(request, name);
        ManifestReference ref = ManifestReference.parse(reference);
        String length = request.header("Content-Length");
        if (length != null && Long.parseLong(length.trim()) > ManifestStore.MAX_MANIFEST_BYTES) {
            throw ErrorCode.MANIFEST_INVALID.exception("manifest larger than " + ManifestStore.MAX_MANIFEST_BYTES
                    + " bytes").withStatus(413);
        }
        byte[] content = body.readNBytes(ManifestStore.MAX_MANIFEST_BYTES + 1);
        StoredManifest stored = manifests.put(repo, ref, request.header("Content-Type"), content, true);
        Response.ResponseBuilder r = Response.status(201)
                .header("Location", "/v2/" + repo + "/manifests/" + stored.digest())
                .header(RegistryHeaders.CONTENT_DIGEST, stored.digest().toString());
        // OCI 1.1: tells the client that this registry indexed the subject (no referrers-tag fallback needed).
        manifests.subject(stored).ifPresent(subject -> r.header(OCI_SUBJECT, subject.toString()));
        return r.build();
    }

    /**
     * A reference to read: a reference that is no valid tag names no manifest here, so 404 MANIFEST_UNKNOWN (as the
     * distribution-spec conformance suite expects), not TAG_INVALID, which is for pushes.
     */
    private static ManifestReference lookup(RepositoryName name, String reference) {
        try {
            return ManifestReference.parse(reference);
        } catch (RegistryException e) {
            if (e.code() == ErrorCode.TAG_INVALID) {
                throw ErrorCode.MANIFEST_UNKNOWN.exception(name + ":" + reference);
            }
            throw e;
        }
    }

    Response delete(RegistryRequest request, RepositoryName name, String reference) throws IOException {
        RepositoryName repo = repositories.push(request, name);
        manifests.delete(repo, ManifestReference.parse(reference));
        return Response.accepted().build();
    }
}
