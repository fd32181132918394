package io.slipway.mirror.imports;

import io.slipway.mirror.api.RegistryAccess;
import io.slipway.mirror.proxy.Namespaces;
import io.slipway.mirror.registry.RepositoryName;
import io.slipway.mirror.registry.Tag;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code POST /import?repository=&tag=}: a {@code docker save} archive or an OCI image-layout tar (plain or gzip) as
 * the body, streamed. Needs the push user. 201 with the references created (JSON, or one per line with
 * {@code Accept: text/plain}); a bad archive gets an OCI error body and stores nothing.
 */
@Path("/import")
public class ImportResource {

    private final ArchiveImport imports;
    private final RegistryAccess access;
    private final Namespaces namespaces;

    @Context
    HttpHeaders headers;

    @Context
    UriInfo uri;

    public ImportResource(ArchiveImport imports, RegistryAccess access, Namespaces namespaces) {
        this.imports = imports;
        this.access = access;
        this.namespaces = namespaces;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN})
    public Response importArchive(@QueryParam("repository") String repository, @QueryParam("tag") String tag,
            InputStream body) throws IOException {
        String authorization = headers.getHeaderString("Authorization");
        Optional<RepositoryName> repo = Optional.ofNullable(repository).filter(s -> !s.isBlank())
                .map(RepositoryName::of);
        // Refuse a caller without push rights before reading a byte of a possibly huge body.
        access.checkPush(authorization, uri.getBaseUri(), repo.map(RepositoryName::value).orElse("import"));
        Optional<Tag> t = Optional.ofNullable(tag).filter(s -> !s.isBlank()).map(Tag::new);
        String host = uri.getBaseUri().getAuthority();
        List<ImportedImage> created = imports.importArchive(body, repo, t, host, name -> {
            access.checkPush(authorization, uri.getBaseUri(), name.value());
            namespaces.forPush(name);
        });
        if (headers.getAcceptableMediaTypes().stream().anyMatch(m -> m.isCompatible(MediaType.TEXT_PLAIN_TYPE)
                && !m.isWildcardType())) {
            return Response.status(201).type(MediaType.TEXT_PLAIN_TYPE).entity(created.stream()
                    .map(ImportedImage::reference).collect(Collectors.joining("\n", "", "\n"))).build();
        }
        return Response.status(201).type(MediaType.APPLICATION_JSON_TYPE).entity(Map.of("images", created,
                "references", created.stream().map(ImportedImage::reference).toList())).build();
    }
}
