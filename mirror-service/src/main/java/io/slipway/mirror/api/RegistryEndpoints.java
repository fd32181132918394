package io.slipway.mirror.api;

import io.slipway.mirror.api.RegistryPath.Kind;
import io.slipway.mirror.registry.ErrorCode;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import java.io.IOException;
import java.io.InputStream;

/**
 * The OCI Distribution / Docker Registry HTTP API v2, routed to one handler per resource (catalog, tags, manifests,
 * referrers, blobs, uploads). Repository names hold slashes, so {@link RegistryPath} matches each path from its end rather than
 * JAX-RS templates. Blocking handlers (worker threads); bodies stream. Blob bytes (GET) are {@link BlobRoute}'s.
 * OpenAPI: the catch-all operations are hidden; META-INF/openapi.yaml documents the real routes one by one.
 */
@Path("/v2")
public class RegistryEndpoints {

    private final RegistryAccess access;
    private final CatalogResource catalog;
    private final TagsResource tags;
    private final ManifestsResource manifests;
    private final BlobsResource blobs;
    private final UploadsResource uploads;
    private final ReferrersResource referrers;

    @Context
    UriInfo uri;

    @Context
    HttpHeaders headers;

    public RegistryEndpoints(RegistryAccess access, CatalogResource catalog, TagsResource tags,
            ManifestsResource manifests, BlobsResource blobs, UploadsResource uploads, ReferrersResource referrers) {
        this.access = access;
        this.catalog = catalog;
        this.tags = tags;
        this.manifests = manifests;
        this.blobs = blobs;
        this.uploads = uploads;
        this.referrers = referrers;
    }

    @GET
    @Operation(hidden = true) // documented route by route in META-INF/openapi.yaml
    @Path("/")
    public Response base() {
        access.checkBase(headers.getHeaderString("Authorization"), uri.getBaseUri());
        return Response.ok("{}", MediaType.APPLICATION_JSON_TYPE).build();
    }

    @GET
    @Operation(hidden = true) // documented route by route in META-INF/openapi.yaml
    @Path("/{path: .+}")
    public Response get(@PathParam("path") String path) throws IOException {
        RegistryPath p = RegistryPath.parse(path);
        return switch (p.kind()) {
            case CATALOG -> catalog.list(request());
            case TAGS -> tags.list(request(), p.name());
            case MANIFEST -> manifests.get(request(), p.name(), p.reference(), false);
            case UPLOAD -> uploads.status(request(), p.name(), p.reference());
            case REFERRERS -> referrers.list(request(), p.name(), p.reference());
            case UPLOAD_START -> throw ErrorCode.UNSUPPORTED.exception("GET on the upload collection");
            case BLOB -> throw new IllegalStateException("blob GETs are served by BlobRoute");
        };
    }

    @HEAD
    @Operation(hidden = true) // documented route by route in META-INF/openapi.yaml
    @Path("/{path: .+}")
    public Response head(@PathParam("path") String path) throws IOException {
        RegistryPath p = RegistryPath.parse(path).expect(Kind.MANIFEST, Kind.BLOB);
        return p.kind() == Kind.MANIFEST ? manifests.get(request(), p.name(), p.reference(), true)
                : blobs.head(request(), p.name(), p.reference());
    }

    @PUT
    @Operation(hidden = true) // documented route by route in META-INF/openapi.yaml
    @Path("/{path: .+}")
    public Response put(@PathParam("path") String path, InputStream body) throws IOException {
        RegistryPath p = RegistryPath.parse(path).expect(Kind.MANIFEST, Kind.UPLOAD);
        return p.kind() == Kind.MANIFEST ? manifests.put(request(), p.name(), p.reference(), body)
                : uploads.complete(request(), p.name(), p.reference(), body);
    }

    @PATCH
    @Operation(hidden = true) // documented route by route in META-INF/openapi.yaml
    @Path("/{path: .+}")
    public Response patch(@PathParam("path") String path, InputStream body) throws IOException {
        RegistryPath p = RegistryPath.parse(path).expect(Kind.UPLOAD);
        return uploads.append(request(), p.name(), p.reference(), body);
    }

    @POST
    @Operation(hidden = true) // documented route by route in META-INF/openapi.yaml
    @Path("/{path: .+}")
    public Response post(@PathParam("path") String path, InputStream body) throws IOException {
        RegistryPath p = RegistryPath.parse(path).expect(Kind.UPLOAD_START);
        return uploads.start(request(), p.name(), body);
    }

    @DELETE
    @Operation(hidden = true) // documented route by route in META-INF/openapi.yaml
    @Path("/{path: .+}")
    public Response delete(@PathParam("path") String path) throws IOException {
        RegistryPath p = RegistryPath.parse(path).expect(Kind.MANIFEST, Kind.BLOB, Kind.UPLOAD);
        return switch (p.kind()) {
            case MANIFEST -> manifests.delete(request(), p.name(), p.reference());
            case BLOB -> blobs.delete(request(), p.name(), p.reference());
            default -> uploads.cancel(request(), p.name(), p.reference());
        };
    }

    private RegistryRequest request() {
        return new RegistryRequest(headers, uri);
    }
}
