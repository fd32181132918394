package io.slipway.mirror.api;

import io.slipway.mirror.api.RegistryPath.Kind;
import io.slipway.mirror.metrics.MirrorMetrics;
import io.slipway.mirror.proxy.Namespaces;
import io.slipway.mirror.proxy.BlobPullThrough;
import io.slipway.mirror.proxy.ManifestPullThrough;
import io.slipway.mirror.proxy.RepositoryTarget;
import io.slipway.mirror.registry.BlobStore;
import io.slipway.mirror.registry.Catalog;
import io.slipway.mirror.registry.Digest;
import io.slipway.mirror.registry.ErrorCode;
import io.slipway.mirror.registry.ManifestReference;
import io.slipway.mirror.registry.ManifestStore;
import io.slipway.mirror.registry.RepositoryName;
import io.slipway.mirror.registry.StoredManifest;
import io.slipway.mirror.registry.UploadStore;
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
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.PathPart;

/** The OCI Distribution / Docker Registry HTTP API v2. Blocking handlers (worker threads); bodies stream. */
@Path("/v2")
public class RegistryResource {

    private static final Pattern CONTENT_RANGE = Pattern.compile("(?:bytes )?(\\d+)-(\\d+)(?:/\\d+|/\\*)?");
    private static final String OCTETS = "application/octet-stream";

    private final RegistryAccess access;
    private final Namespaces namespaces;
    private final ManifestStore manifests;
    private final BlobStore blobs;
    private final UploadStore uploads;
    private final Catalog catalog;
    private final ManifestPullThrough manifestPullThrough;
    private final BlobPullThrough blobPullThrough;
    private final MirrorMetrics metrics;

    @Context
    UriInfo uri;

    @Context
    HttpHeaders headers;

    public RegistryResource(RegistryAccess access, Namespaces namespaces, ManifestStore manifests, BlobStore blobs,
            UploadStore uploads, Catalog catalog, ManifestPullThrough manifestPullThrough,
            BlobPullThrough blobPullThrough, MirrorMetrics metrics) {
        this.access = access;
        this.namespaces = namespaces;
        this.manifests = manifests;
        this.blobs = blobs;
        this.uploads = uploads;
        this.catalog = catalog;
        this.manifestPullThrough = manifestPullThrough;
        this.blobPullThrough = blobPullThrough;
        this.metrics = metrics;
    }

    @GET
    @Path("/")
    public Response base() {
        access.checkBase(authorization(), uri.getBaseUri());
        return Response.ok("{}", MediaType.APPLICATION_JSON_TYPE).build();
    }

    @GET
    @Path("/{path: .+}")
    public Response get(@PathParam("path") String path) throws IOException {
        RegistryPath p = RegistryPath.parse(path);
        return switch (p.kind()) {
            case CATALOG -> catalog();
            case TAGS -> tags(p.name());
            case MANIFEST -> manifest(p, false);
            case BLOB -> blob(p, false);
            case UPLOAD -> uploadStatus(p);
            case UPLOAD_START -> throw ErrorCode.UNSUPPORTED.exception("GET on the upload collection");
        };
    }

    @HEAD
    @Path("/{path: .+}")
    public Response head(@PathParam("path") String path) throws IOException {
        RegistryPath p = RegistryPath.parse(path).expect(Kind.MANIFEST, Kind.BLOB);
        return p.kind() == Kind.MANIFEST ? manifest(p, true) : blob(p, true);
    }

    @PUT
    @Path("/{path: .+}")
    public Response put(@PathParam("path") String path, InputStream body) throws IOException {
        RegistryPath p = RegistryPath.parse(path).expect(Kind.MANIFEST, Kind.UPLOAD);
        RepositoryName repo = pushTarget(p.name());
        if (p.kind() == Kind.MANIFEST) {
            return putManifest(repo, p.reference(), body);
        }
        Digest digest = Digest.parse(query("digest"));
        long size = uploads.complete(repo, p.reference(), body, digest);
        return blobCreated(repo, digest, size);
    }

    @PATCH
    @Path("/{path: .+}")
    public Response patch(@PathParam("path") String path, InputStream body) throws IOException {
        RegistryPath p = RegistryPath.parse(path).expect(Kind.UPLOAD);
        RepositoryName repo = pushTarget(p.name());
        Long start = null;
        Long end = null;
        String contentRange = headers.getHeaderString("Content-Range");
        if (contentRange != null && !contentRange.isBlank()) {
            Matcher m = CONTENT_RANGE.matcher(contentRange.trim());
            if (!m.matches()) {
                throw new io.slipway.mirror.registry.RegistryException(ErrorCode.BLOB_UPLOAD_INVALID,
                        "malformed Content-Range " + contentRange, null, 416);
            }
            start = Long.parseLong(m.group(1));
            end = Long.parseLong(m.group(2));
        }
        long offset = uploads.append(repo, p.reference(), body, start, end);
        return uploadAccepted(repo, p.reference(), offset);
    }

    @POST
    @Path("/{path: .+}")
    public Response post(@PathParam("path") String path, InputStream body) throws IOException {
        RegistryPath p = RegistryPath.parse(path).expect(Kind.UPLOAD_START);
        RepositoryName repo = pushTarget(p.name());
        String mount = query("mount");
        String from = query("from");
        if (mount != null && from != null) {
            Digest digest = Digest.parse(mount);
            RepositoryName source = RepositoryName.of(from);
            access.checkPull(authorization(), uri.getBaseUri(), source.value());
            Optional<Long> size = blobs.size(namespaces.forPull(source).local(), digest, false);
            if (size.isPresent()) {
                blobs.link(repo, digest);
                return blobCreated(repo, digest, size.get());
            }
        }
        String digestParam = query("digest");
        if (digestParam != null) {
            Digest digest = Digest.parse(digestParam);
            long size = blobs.writeVerified(body, digest);
            blobs.link(repo, digest);
            return blobCreated(repo, digest, size);
        }
        return uploadAccepted(repo, uploads.start(repo), 0);
    }

    @DELETE
    @Path("/{path: .+}")
    public Response delete(@PathParam("path") String path) throws IOException {
        RegistryPath p = RegistryPath.parse(path).expect(Kind.MANIFEST, Kind.BLOB, Kind.UPLOAD);
        RepositoryName repo = pushTarget(p.name());
        switch (p.kind()) {
            case MANIFEST -> manifests.delete(repo, ManifestReference.parse(p.reference()));
            case BLOB -> blobs.unlink(repo, Digest.parse(p.reference()));
            default -> {
                uploads.cancel(repo, p.reference());
                return Response.noContent().build();
            }
        }
        return Response.accepted().build();
    }

    private Response manifest(RegistryPath p, boolean headOnly) throws IOException {
        RepositoryTarget target = pullTarget(p.name());
        ManifestReference ref = ManifestReference.parse(p.reference());
        StoredManifest m = target.isProxy() ? manifestPullThrough.manifest(target, ref)
                : manifests.get(target.local(), ref).orElseThrow(
                        () -> ErrorCode.MANIFEST_UNKNOWN.exception(p.name() + ":" + ref));
        Response.ResponseBuilder r = Response.ok().type(m.mediaType())
                .header(RegistryHeaders.CONTENT_DIGEST, m.digest().toString())
                .header("Content-Length", m.content().length);
        if (!headOnly) {
            r.entity(m.content());
            metrics.bytesServed("manifest", m.content().length);
        }
        return r.build();
    }

    private Response blob(RegistryPath p, boolean headOnly) throws IOException {
        RepositoryTarget target = pullTarget(p.name());
        Digest digest = Digest.parse(p.reference());
        String range = headers.getHeaderString("Range");
        if (target.isProxy()) {
            if (headOnly) {
                return blobHeaders(Response.ok(), digest, blobPullThrough.size(target, digest)).build();
            }
            // A cold blob without Range is streamed by ColdBlobRoute while it downloads; what reaches this point
            // (a Range, or a blob that went missing since) waits for the download and is served from the store.
            blobPullThrough.ensureCached(target, digest);
        }
        long size = blobs.size(target.local(), digest, target.isProxy())
                .orElseThrow(() -> ErrorCode.BLOB_UNKNOWN.exception(digest.toString()));
        ByteRange byteRange = ByteRange.parse(range, size);
        if (headOnly) {
            return blobHeaders(Response.ok(), digest, size).build();
        }
        long start = byteRange == null ? 0 : byteRange.start();
        long length = byteRange == null ? size : byteRange.length();
        Response.ResponseBuilder r = byteRange == null ? Response.ok()
                : Response.status(206).header("Content-Range", byteRange.contentRange(size));
        metrics.bytesServed("store", length);
        Optional<java.nio.file.Path> file = blobs.localFile(digest);
        if (file.isPresent()) {
            // sendfile from the page cache: the bytes never enter the heap.
            return blobHeaders(r, digest, -1).entity(new PathPart(file.get(), start, length)).build();
        }
        StreamingOutput stream = out -> {
            try (InputStream in = blobs.open(digest, start)) {
                copy(in, out, length);
            }
        };
        return blobHeaders(r, digest, length).entity(stream).build();
    }

    private static Response.ResponseBuilder blobHeaders(Response.ResponseBuilder r, Digest digest, long length) {
        r.type(OCTETS).header(RegistryHeaders.CONTENT_DIGEST, digest.toString()).header("Accept-Ranges", "bytes");
        if (length >= 0) {
            r.header("Content-Length", length);
        }
        return r;
    }

    private Response putManifest(RepositoryName repo, String reference, InputStream body) throws IOException {
        ManifestReference ref = ManifestReference.parse(reference);
        String length = headers.getHeaderString("Content-Length");
        if (length != null && Long.parseLong(length.trim()) > ManifestStore.MAX_MANIFEST_BYTES) {
            throw ErrorCode.MANIFEST_INVALID.exception("manifest larger than " + ManifestStore.MAX_MANIFEST_BYTES
                    + " bytes").withStatus(413);
        }
        byte[] content = body.readNBytes(ManifestStore.MAX_MANIFEST_BYTES + 1);
        StoredManifest stored = manifests.put(repo, ref, headers.getHeaderString("Content-Type"), content, true);
        return Response.status(201)
                .header("Location", "/v2/" + repo + "/manifests/" + stored.digest())
                .header(RegistryHeaders.CONTENT_DIGEST, stored.digest().toString())
                .build();
    }

    private Response uploadStatus(RegistryPath p) throws IOException {
        RepositoryName repo = pushTarget(p.name());
        long offset = uploads.offset(repo, p.reference());
        return uploadHeaders(Response.noContent(), repo, p.reference(), offset).build();
    }

    private Response uploadAccepted(RepositoryName repo, String id, long offset) {
        return uploadHeaders(Response.accepted(), repo, id, offset).build();
    }

    private static Response.ResponseBuilder uploadHeaders(Response.ResponseBuilder r, RepositoryName repo, String id,
            long offset) {
        return r.header("Location", "/v2/" + repo + "/blobs/uploads/" + id)
                .header("Range", "0-" + Math.max(0, offset - 1))
                .header(RegistryHeaders.UPLOAD_UUID, id);
    }

    private static Response blobCreated(RepositoryName repo, Digest digest, long size) {
        return Response.status(201).header("Location", "/v2/" + repo + "/blobs/" + digest)
                .header(RegistryHeaders.CONTENT_DIGEST, digest.toString()).build();
    }

    private Response tags(RepositoryName name) throws IOException {
        RepositoryTarget target = pullTarget(name);
        if (!manifests.exists(target.local())) {
            throw ErrorCode.NAME_UNKNOWN.exception(name.value());
        }
        Catalog.Page page = Catalog.page(manifests.tags(target.local()), intQuery("n"), query("last"));
        Response.ResponseBuilder r = Response.ok(Map.of("name", name.value(), "tags", page.items()),
                MediaType.APPLICATION_JSON_TYPE);
        nextLink(r, "/v2/" + name + "/tags/list", page);
        return r.build();
    }

    private Response catalog() throws IOException {
        access.checkPull(authorization(), uri.getBaseUri(), "catalog");
        Catalog.Page page = Catalog.page(catalog.repositories(), intQuery("n"), query("last"));
        Response.ResponseBuilder r = Response.ok(Map.of("repositories", page.items()),
                MediaType.APPLICATION_JSON_TYPE);
        nextLink(r, "/v2/_catalog", page);
        return r.build();
    }

    private void nextLink(Response.ResponseBuilder r, String path, Catalog.Page page) {
        if (page.more()) {
            List<String> items = page.items();
            r.header("Link", "<" + path + "?n=" + items.size() + "&last="
                    + URLEncoder.encode(items.get(items.size() - 1), StandardCharsets.UTF_8) + ">; rel=\"next\"");
        }
    }

    private RepositoryTarget pullTarget(RepositoryName name) throws IOException {
        access.checkPull(authorization(), uri.getBaseUri(), name.value());
        return namespaces.forPull(name);
    }

    private RepositoryName pushTarget(RepositoryName name) {
        access.checkPush(authorization(), uri.getBaseUri(), name.value());
        return namespaces.forPush(name).local();
    }

    private String authorization() {
        return headers.getHeaderString("Authorization");
    }

    private String query(String name) {
        return uri.getQueryParameters().getFirst(name);
    }

    private Integer intQuery(String name) {
        String v = query(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw ErrorCode.PAGINATION_NUMBER_INVALID.exception("n must be a number: " + v);
        }
    }

    private static void copy(InputStream in, OutputStream out, long length) throws IOException {
        byte[] buf = new byte[BlobStore.BUFFER];
        long left = length;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new IOException("blob shorter than its size");
            }
            out.write(buf, 0, n);
            left -= n;
        }
    }
}
