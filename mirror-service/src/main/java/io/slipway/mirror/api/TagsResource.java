package io.slipway.mirror.api;

import io.slipway.mirror.proxy.RepositoryTarget;
import io.slipway.mirror.registry.Catalog;
import io.slipway.mirror.registry.ErrorCode;
import io.slipway.mirror.registry.ManifestStore;
import io.slipway.mirror.registry.RepositoryName;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.Map;

/** {@code GET /v2/<name>/tags/list}: the repository's tags, paginated with {@code n} and {@code last}. */
@ApplicationScoped
public class TagsResource {

    private final RepositoryAccess repositories;
    private final ManifestStore manifests;

    public TagsResource(RepositoryAccess repositories, ManifestStore manifests) {
        this.repositories = repositories;
        this.manifests = manifests;
    }

    Response list(RegistryRequest request, RepositoryName name) throws IOException {
        RepositoryTarget target = repositories.pull(request, name);
        if (!manifests.exists(target.local())) {
            throw ErrorCode.NAME_UNKNOWN.exception(name.value());
        }
        Catalog.Page page = Catalog.page(manifests.tags(target.local()), request.intQuery("n"),
                request.query("last"));
        Response.ResponseBuilder r = Response.ok(Map.of("name", name.value(), "tags", page.items()),
                MediaType.APPLICATION_JSON_TYPE);
        Pages.nextLink(r, "/v2/" + name + "/tags/list", page);
        return r.build();
    }
}
