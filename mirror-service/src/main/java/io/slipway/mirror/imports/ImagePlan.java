package io.slipway.mirror.imports;

import io.slipway.mirror.registry.Digest;
import io.slipway.mirror.registry.RepositoryName;
import io.slipway.mirror.registry.Tag;
import java.util.List;

/**
 * What an archive holds, fully verified and ready to store: the blobs (staged files with their checked digests),
 * then the manifests in the order they must be put (children before the index that names them; {@code tag} only on
 * the top one).
 */
record ImagePlan(RepositoryName repository, List<Blob> blobs, List<Manifest> manifests) {

    record Blob(StagedArchive.Entry entry, Digest digest) {}

    record Manifest(String mediaType, byte[] content, Tag tag, int layers, long bytes) {}
}
