package io.slipway.mirror.api;

import io.slipway.mirror.proxy.Namespaces;
import io.slipway.mirror.registry.BlobStore;
import io.slipway.mirror.registry.Digest;
import io.slipway.mirror.registry.ErrorCode;
import io.slipway.mirror.registry.RegistryException;
import io.slipway.mirror.registry.RepositoryName;
import io.slipway.mirror.registry.UploadStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /v2/<name>/blobs/uploads/}: POST starts an upload (or mounts a blob from another repository, or takes a
 * whole blob with {@code ?digest=}); then PATCH chunks, PUT the last one with the digest, GET the status, DELETE.
 */
@ApplicationScoped
public class UploadsResource {

    private static final Pattern CONTENT_RANGE = Pattern.compile("(?:bytes )?(\\d+)-(\\d+)(?:/\\d+|/\\*)?");

    private final RepositoryAccess repositories;
    private final RegistryAccess access;
    private final Namespaces namespaces;
    private final BlobStore blobs;
    private final UploadStore uploads;

    public UploadsResource(RepositoryAccess repositories, RegistryAccess access, Namespaces namespaces,
            BlobStore blobs, UploadStore uploads) {
        this.repositories = repositories;
        this.access = access;
        this.namespaces = namespaces;
        this.blobs = blobs;
        this.uploads = uploads;
    }

    Response start(RegistryRequest request, RepositoryName name, InputStream body) throws IOException {
        RepositoryName repo = repositories.push(request, name);
        String mount = request.query("mount");
        String from = request.query("from");
        if (mount != null && from != null) {
            Digest digest = Digest.parse(mount);
            RepositoryName source = RepositoryName.of(from);
            access.checkPull(request.authorization(), request.base(), source.value());
            Optional<Long> size = blobs.size(namespaces.forPull(source).local(), digest, false);
            if (size.isPresent()) {
                blobs.link(repo, digest);
                return blobCreated(repo, digest);
            }
        }
        String digestParam = request.query("digest");
        if (digestParam != null) {
            Digest digest = Digest.parse(digestParam);
            blobs.writeVerified(body, digest);
            blobs.link(repo, digest);
            return blobCreated(repo, digest);
        }
        return accepted(Response.accepted(), repo, uploads.start(repo), 0);
    }

    Response append(RegistryRequest request, RepositoryName name, String id, InputStream body) throws IOException {
        RepositoryName repo = repositories.push(request, name);
        Long start = null;
        Long end = null;
        String contentRange = request.header("Content-Range");
        if (contentRange != null && !contentRange.isBlank()) {
            Matcher m = CONTENT_RANGE.matcher(contentRange.trim());
            if (!m.matches()) {
                throw new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID, "malformed Content-Range " + contentRange,
                        null, 416);
            }
            start = Long.parseLong(m.group(1));
            end = Long.parseLong(m.group(2));
        }
        long offset = uploads.append(repo, id, body, start, end);
        return accepted(Response.accepted(), repo, id, offset);
    }

    Response complete(RegistryRequest request, RepositoryName name, String id, InputStream body)
            throws IOException {
        RepositoryName repo = repositories.push(request, name);
        Digest digest = Digest.parse(request.query("digest"));
        uploads.complete(repo, id, body, digest);
        return blobCreated(repo, digest);
    }

    Response status(RegistryRequest request, RepositoryName name, String id) throws IOException {
        RepositoryName repo = repositories.push(request, name);
        return accepted(Response.noContent(), repo, id, uploads.offset(repo, id));
    }

    Response cancel(RegistryRequest request, RepositoryName name, String id) throws IOException {
        RepositoryName repo = repositories.push(request, name);
        uploads.cancel(repo, id);
        return Response.noContent().build();
    }

    private static Response accepted(Response.ResponseBuilder r, RepositoryName repo, String id, long offset) {
        return r.header("Location", "/v2/" + repo + "/blobs/uploads/" + id)
                .header("Range", "0-" + Math.max(0, offset - 1))
                .header(RegistryHeaders.UPLOAD_UUID, id)
                .build();
    }

    private static Response blobCreated(RepositoryName repo, Digest digest) {
        return Response.status(201).header("Location", "/v2/" + repo + "/blobs/" + digest)
                .header(RegistryHeaders.CONTENT_DIGEST, digest.toString()).build();
    }
}
