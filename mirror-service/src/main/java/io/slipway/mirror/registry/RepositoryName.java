package io.slipway.mirror.registry;

import java.util.regex.Pattern;

/** A repository name in the distribution-spec grammar (lowercase components, no "..", at most 255 characters). */
public record RepositoryName(String value) {

    private static final Pattern GRAMMAR = Pattern.compile(
            "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");
    public static final int MAX_LENGTH = 255;

    public RepositoryName {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH || !GRAMMAR.matcher(value).matches()) {
            throw ErrorCode.NAME_INVALID.exception("invalid repository name: "
                    + (value == null ? "" : value.length() > 300 ? value.substring(0, 300) + "…" : value));
        }
    }

    public static RepositoryName of(String value) {
        return new RepositoryName(value);
    }

    /** The first path component, e.g. {@code dockerhub} in {@code dockerhub/library/nginx}. */
    public String firstComponent() {
        int slash = value.indexOf('/');
        return slash < 0 ? value : value.substring(0, slash);
    }

    /** The name without its first component; null for a one-component name. */
    public String rest() {
        int slash = value.indexOf('/');
        return slash < 0 ? null : value.substring(slash + 1);
    }

    public int components() {
        return value.split("/").length;
    }

    @Override
    public String toString() {
        return value;
    }
}
