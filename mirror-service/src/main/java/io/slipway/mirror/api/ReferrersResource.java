package io.slipway.mirror.api;

import io.slipway.mirror.proxy.RepositoryTarget;
import io.slipway.mirror.registry.Digest;
import io.slipway.mirror.registry.ManifestStore;
import io.slipway.mirror.registry.ManifestStore.Referrer;
import io.slipway.mirror.registry.MediaTypes;
import io.slipway.mirror.registry.RepositoryName;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /v2/<name>/referrers/<digest>} (OCI distribution-spec 1.1): the manifests whose {@code subject} is the
 * digest (signatures, SBOMs, model cards...), as an OCI image index; always 200, empty when there are none.
 * {@code ?artifactType=} filters, and the response then says so in {@code OCI-Filters-Applied}.
 */
@ApplicationScoped
public class ReferrersResource {

    static final String FILTERS_APPLIED = "OCI-Filters-Applied";

    private final RepositoryAccess repositories;
    private final ManifestStore manifests;

    public ReferrersResource(RepositoryAccess repositories, ManifestStore manifests) {
        this.repositories = repositories;
        this.manifests = manifests;
    }

    Response list(RegistryRequest request, RepositoryName name, String reference) throws IOException {
        RepositoryTarget target = repositories.pull(request, name);
        Digest subject = Digest.parse(reference);
        Optional<String> artifactType = Optional.ofNullable(request.query("artifactType")).filter(t -> !t.isEmpty());
        List<Map<String, Object>> descriptors = new ArrayList<>();
        for (Referrer r : manifests.referrers(target.local(), subject, artifactType)) {
            descriptors.add(descriptor(r));
        }
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("schemaVersion", 2);
        index.put("mediaType", MediaTypes.OCI_INDEX);
        index.put("manifests", descriptors);
        Response.ResponseBuilder response = Response.ok(index, MediaTypes.OCI_INDEX);
        artifactType.ifPresent(t -> response.header(FILTERS_APPLIED, "artifactType"));
        return response.build();
    }

    private static Map<String, Object> descriptor(Referrer r) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mediaType", r.mediaType());
        d.put("digest", r.digest().toString());
        d.put("size", r.size());
        if (r.artifactType() != null) {
            d.put("artifactType", r.artifactType());
        }
        if (r.annotations() != null) {
            d.put("annotations", r.annotations());
        }
        return d;
    }
}
