package io.slipway.mirror.registry;

/**
 * Where registry content lives in the {@link io.slipway.mirror.storage.Storage} key space (CNCF distribution's layout):
 * blobs by digest, shared by all repositories; per repository, links that say which blobs and manifests it holds.
 */
public final class StorageLayout {

    public static final String REPOSITORIES = "repositories";

    private StorageLayout() {}

    public static String blobData(Digest d) {
        return "blobs/" + d.algorithm() + "/" + d.hex().substring(0, 2) + "/" + d.hex() + "/data";
    }

    public static String layerLink(RepositoryName repo, Digest d) {
        return repo(repo) + "/_layers/" + d.algorithm() + "/" + d.hex() + "/link";
    }

    public static String manifestRevisionLink(RepositoryName repo, Digest d) {
        return repo(repo) + "/_manifests/revisions/" + d.algorithm() + "/" + d.hex() + "/link";
    }

    /** The manifests whose {@code subject} is {@code subject}, one link each (OCI 1.1 referrers). */
    public static String referrers(RepositoryName repo, Digest subject) {
        return repo(repo) + "/_manifests/referrers/" + subject.algorithm() + "/" + subject.hex();
    }

    public static String referrerLink(RepositoryName repo, Digest subject, Digest referrer) {
        return referrers(repo, subject) + "/" + referrer.algorithm() + ":" + referrer.hex();
    }

    public static String tags(RepositoryName repo) {
        return repo(repo) + "/_manifests/tags";
    }

    public static String tag(RepositoryName repo, Tag tag) {
        return tags(repo) + "/" + tag.value();
    }

    public static String tagLink(RepositoryName repo, Tag tag) {
        return tag(repo, tag) + "/current/link";
    }

    /** When a pull-through tag was last confirmed by its upstream (shared by the instances on one store). */
    public static String tagValidated(RepositoryName repo, Tag tag) {
        return tag(repo, tag) + "/validated";
    }

    public static String manifests(RepositoryName repo) {
        return repo(repo) + "/_manifests";
    }

    public static String upload(RepositoryName repo, String uploadId) {
        return repo(repo) + "/_uploads/" + uploadId;
    }

    public static String uploadChunk(RepositoryName repo, String uploadId, int sequence) {
        return upload(repo, uploadId) + "/" + String.format("chunk-%06d", sequence);
    }

    /** The store's own bookkeeping (space management), outside the registry's content. */
    public static final String SPACE = "_space";

    /** When a blob was last used (written, pulled, referenced), shared by the instances on one store. */
    public static final String BLOB_ACCESSED = SPACE + "/accessed";

    public static String blobAccessed(Digest d) {
        return BLOB_ACCESSED + "/" + d.algorithm() + "/" + d.hex();
    }

    /** Who is collecting garbage right now (one instance at a time). */
    public static String gcLease() {
        return SPACE + "/gc-lease";
    }

    public static String repo(RepositoryName repo) {
        return REPOSITORIES + "/" + repo.value();
    }
}
