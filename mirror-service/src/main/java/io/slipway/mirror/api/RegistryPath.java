package io.slipway.mirror.api;

import io.slipway.mirror.registry.ErrorCode;
import io.slipway.mirror.registry.RepositoryName;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A path below {@code /v2/}, split into what it addresses. Names hold slashes, so the routes are matched from the
 * end ({@code .../manifests/<ref>}, {@code .../blobs/<digest>}, ...) and the rest must be a valid repository name.
 */
public record RegistryPath(Kind kind, RepositoryName name, String reference) {

    public enum Kind { CATALOG, TAGS, MANIFEST, BLOB, UPLOAD_START, UPLOAD, REFERRERS }

    private static final Pattern UPLOAD_START = Pattern.compile("(.+)/blobs/uploads/?");
    private static final Pattern UPLOAD = Pattern.compile("(.+)/blobs/uploads/([^/]+)");
    private static final Pattern BLOB = Pattern.compile("(.+)/blobs/([^/]+)");
    private static final Pattern MANIFEST = Pattern.compile("(.+)/manifests/([^/]+)");
    private static final Pattern TAGS = Pattern.compile("(.+)/tags/list");
    private static final Pattern REFERRERS = Pattern.compile("(.+)/referrers/([^/]+)");

    public static RegistryPath parse(String path) {
        if (path.equals("_catalog")) {
            return new RegistryPath(Kind.CATALOG, null, null);
        }
        Matcher m;
        if ((m = UPLOAD_START.matcher(path)).matches()) {
            return new RegistryPath(Kind.UPLOAD_START, RepositoryName.of(m.group(1)), null);
        }
        if ((m = UPLOAD.matcher(path)).matches()) {
            return new RegistryPath(Kind.UPLOAD, RepositoryName.of(m.group(1)), m.group(2));
        }
        if ((m = BLOB.matcher(path)).matches()) {
            return new RegistryPath(Kind.BLOB, RepositoryName.of(m.group(1)), m.group(2));
        }
        if ((m = MANIFEST.matcher(path)).matches()) {
            return new RegistryPath(Kind.MANIFEST, RepositoryName.of(m.group(1)), m.group(2));
        }
        if ((m = TAGS.matcher(path)).matches()) {
            return new RegistryPath(Kind.TAGS, RepositoryName.of(m.group(1)), null);
        }
        if ((m = REFERRERS.matcher(path)).matches()) {
            return new RegistryPath(Kind.REFERRERS, RepositoryName.of(m.group(1)), m.group(2));
        }
        throw new io.slipway.mirror.registry.RegistryException(ErrorCode.UNSUPPORTED,
                "no registry endpoint at /v2/" + path, null, 404);
    }

    public RegistryPath expect(Kind... kinds) {
        for (Kind k : kinds) {
            if (k == kind) {
                return this;
            }
        }
        throw ErrorCode.UNSUPPORTED.exception("method not allowed on " + kind.name().toLowerCase());
    }
}
