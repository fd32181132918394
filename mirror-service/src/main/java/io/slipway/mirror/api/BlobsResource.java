package io.slipway.mirror.api;

import io.slipway.mirror.proxy.BlobPullThrough;
import io.slipway.mirror.proxy.RepositoryTarget;
import io.slipway.mirror.registry.BlobStore;
import io.slipway.mirror.registry.Digest;
import io.slipway.mirror.registry.ErrorCode;
import io.slipway.mirror.registry.RepositoryName;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.io.IOException;

/**
 * {@code /v2/<name>/blobs/<digest>}: HEAD and DELETE. GET, the bytes themselves, is {@link BlobRoute}'s (one path
 * for cold, cached and ranged blobs).
 */
@ApplicationScoped
public class BlobsResource {

    private final RepositoryAccess repositories;
    private final BlobStore blobs;
    private final BlobPullThrough pullThrough;

    public BlobsResource(RepositoryAccess repositories, BlobStore blobs, BlobPullThrough pullThrough) {
        this.repositories = repositories;
        this.blobs = blobs;
        this.pullThrough = pullThrough;
    }

    /** Size and digest; a pull-through blob that is not cached is asked of the upstream, not downloaded. */
    Response head(RegistryRequest request, RepositoryName name, String reference) throws IOException {
        RepositoryTarget target = repositories.pull(request, name);
        Digest digest = Digest.parse(reference);
        long size;
        if (target.isProxy()) {
            size = pullThrough.size(target, digest);
        } else {
            size = blobs.size(target.local(), digest, false)
                    .orElseThrow(() -> ErrorCode.BLOB_UNKNOWN.exception(digest.toString()));
            ByteRange.parse(request.header("Range"), size);
        }
        Response.ResponseBuilder r = Response.ok().type("application/octet-stream")
                .header(RegistryHeaders.CONTENT_DIGEST, digest.toString()).header("Accept-Ranges", "bytes");
        if (size >= 0) {
            r.header("Content-Length", size);
        }
        return r.build();
    }

    /** Removes the blob from the repository; its bytes stay for other repositories. */
    Response delete(RegistryRequest request, RepositoryName name, String reference) throws IOException {
        RepositoryName repo = repositories.push(request, name);
        blobs.unlink(repo, Digest.parse(reference));
        return Response.accepted().build();
    }
}
