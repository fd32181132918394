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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * {@code POST /import?repository=&tag=}: a {@code docker save} archive or an OCI image-layout tar (plain or gzip) as
 * the body, streamed. Needs the push user. 201 with the references created (JSON, or one per line with
 * {@code Accept: text/plain}); a bad archive gets an OCI error body and stores nothing.
 */
@Path("/import")
@org.eclipse.microprofile.openapi.annotations.tags.Tag(name = "Import")
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
    @Operation(summary = "Import images from an archive", description = "Stores the images of a `docker save` "
            + "archive or an OCI image-layout tarball (plain or gzip), streamed from the body, without a registry "
            + "client; needs the push user. Each image keeps the repository and tag the archive names unless "
            + "repository/tag are given. Every blob is verified against its digest; a bad archive stores nothing. "
            + "201 with the references created (JSON, or one per line with Accept: text/plain).")
    @RequestBody(required = true, content = @Content(mediaType = "application/x-tar",
            schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING,
                    format = "binary")))
    @APIResponse(responseCode = "201", description = "The images stored", content = {
        @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "json", value = """
                {"images": [{"reference": "127.0.0.1:5000/slipway/sample-model:1.1",
                             "repository": "slipway/sample-model", "tag": "1.1",
                             "digest": "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
                             "layers": 3, "bytes": 48213507}],
                 "references": ["127.0.0.1:5000/slipway/sample-model:1.1"]}""")),
        @Content(mediaType = MediaType.TEXT_PLAIN, examples = @ExampleObject(name = "text",
                value = "127.0.0.1:5000/slipway/sample-model:1.1\n"))})
    @APIResponse(responseCode = "400", ref = "ArchiveInvalid")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Denied")
    public Response importArchive(@QueryParam("repository") @Parameter(description = "Store every image under this "
            + "repository instead of the archive's names", example = "slipway/sample-model") String repository,
            @QueryParam("tag") @Parameter(description = "Tag the image(s) with this tag", example = "1.1") String tag,
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
