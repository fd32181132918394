package io.slipway.mirror.jobs;

import java.util.Optional;

/**
 * Where a job's images go: this mirror, a registry (scheme null: decided by host, see {@code Destinations}), or
 * ECR. Credentials stay in memory for the job's run; {@link #describe()} is what its record keeps.
 */
public record MirrorTarget(Kind kind, String host, String scheme, String prefix, Optional<String> username,
        Optional<String> password, String account, String region) {

    public enum Kind { MIRROR, REGISTRY, ECR }

    static MirrorTarget thisMirror(String prefix) {
        return new MirrorTarget(Kind.MIRROR, null, null, prefix, Optional.empty(), Optional.empty(), null, null);
    }

    static MirrorTarget registry(String host, String scheme, String prefix, String username, String password) {
        return new MirrorTarget(Kind.REGISTRY, host, scheme, prefix, Optional.ofNullable(username)
                .filter(s -> !s.isEmpty()), Optional.ofNullable(password), null, null);
    }

    static MirrorTarget ecr(String account, String region, String prefix) {
        return new MirrorTarget(Kind.ECR, null, null, prefix, Optional.empty(), Optional.empty(), account, region);
    }

    /** The repository an image gets at the destination: the prefix, then the source's repository path. */
    public String repository(ImageName source) {
        return prefix.isEmpty() ? source.repository().value() : prefix + "/" + source.repository().value();
    }

    public String describe() {
        String p = prefix.isEmpty() ? "" : "/" + prefix;
        return switch (kind) {
            case MIRROR -> "mirror" + p;
            case REGISTRY -> "registry " + (scheme == null ? "" : scheme + "://") + host + p;
            case ECR -> "ecr " + account + "/" + region + p;
        };
    }
}
