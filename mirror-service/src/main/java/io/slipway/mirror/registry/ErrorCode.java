package io.slipway.mirror.registry;

/** The registry's error codes, declared once (OCI distribution-spec "Error Codes", plus distribution's extras). */
public enum ErrorCode {
    BLOB_UNKNOWN(404, "blob unknown to registry"),
    BLOB_UPLOAD_INVALID(400, "blob upload invalid"),
    BLOB_UPLOAD_UNKNOWN(404, "blob upload unknown to registry"),
    DIGEST_INVALID(400, "provided digest did not match uploaded content"),
    MANIFEST_BLOB_UNKNOWN(400, "manifest references a manifest or blob unknown to registry"),
    MANIFEST_INVALID(400, "manifest invalid"),
    MANIFEST_UNKNOWN(404, "manifest unknown to registry"),
    NAME_INVALID(400, "invalid repository name"),
    NAME_UNKNOWN(404, "repository name not known to registry"),
    SIZE_INVALID(400, "provided length did not match content length"),
    TAG_INVALID(400, "manifest tag did not match URI"),
    UNAUTHORIZED(401, "authentication required"),
    DENIED(403, "requested access to the resource is denied"),
    UNSUPPORTED(405, "the operation is unsupported"),
    TOOMANYREQUESTS(429, "too many requests"),
    UNAVAILABLE(503, "upstream registry unavailable"),
    RANGE_INVALID(416, "requested range not satisfiable"),
    PAGINATION_NUMBER_INVALID(400, "invalid number of results requested"),
    /** slipway's own: a {@code docker save} or OCI image-layout archive that cannot be imported as it is. */
    ARCHIVE_INVALID(400, "image archive invalid"),
    /** slipway's own: a {@code POST /mirror-jobs} body that cannot be run as it is (nothing was started). */
    MIRROR_JOB_INVALID(400, "mirror job invalid"),
    /** slipway's own: no mirror job has this id. */
    MIRROR_JOB_UNKNOWN(404, "mirror job unknown"),
    /** slipway's own: a {@code POST /prefetch} body that names no image or an invalid platform. */
    PREFETCH_INVALID(400, "prefetch request invalid"),
    /** slipway's own: a garbage collection is running already (on this or another instance on the same store). */
    GC_RUNNING(409, "garbage collection already running"),
    /** slipway's own: an admin API parameter that is not valid. */
    PARAMETER_INVALID(400, "invalid request parameter"),
    UNKNOWN(500, "unknown error");

    private final int status;
    private final String message;

    ErrorCode(int status, String message) {
        this.status = status;
        this.message = message;
    }

    public int status() {
        return status;
    }

    public String message() {
        return message;
    }

    public RegistryException exception(String detail) {
        return new RegistryException(this, message, detail);
    }

    public RegistryException exception() {
        return new RegistryException(this, message, null);
    }
}
