package io.slipway.mirror.api;

import io.slipway.mirror.registry.Catalog;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.Map;

/** {@code GET /v2/_catalog}: repositories, paginated with {@code n} and {@code last}. */
@ApplicationScoped
public class CatalogResource {

    private final RegistryAccess access;
    private final Catalog catalog;

    public CatalogResource(RegistryAccess access, Catalog catalog) {
        this.access = access;
        this.catalog = catalog;
    }

    Response list(RegistryRequest request) throws IOException {
        access.checkPull(request.authorization(), request.base(), "catalog");
        Catalog.Page page = Catalog.page(catalog.repositories(), request.intQuery("n"), request.query("last"));
        Response.ResponseBuilder r = Response.ok(Map.of("repositories", page.items()),
                MediaType.APPLICATION_JSON_TYPE);
        Pages.nextLink(r, "/v2/_catalog", page);
        return r.build();
    }
}
