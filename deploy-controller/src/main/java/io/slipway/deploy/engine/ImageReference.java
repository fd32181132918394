package io.slipway.deploy.engine;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An image reference parsed with the OCI distribution grammar ({@code [domain/]path[:tag][@digest]}). Only a value that
 * passed {@link #parse} exists, so nothing unchecked from a request reaches the engine.
 */
public record ImageReference(Optional<String> domain, String path, Optional<String> tag, Optional<String> digest) {

    private static final String ALNUM = "[a-z0-9]+";
    private static final String SEPARATOR = "(?:[._]|__|[-]+)";
    private static final String PATH_COMPONENT = ALNUM + "(?:" + SEPARATOR + ALNUM + ")*";
    private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final String DOMAIN = "(?:" + DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*"
            + "|\\[[0-9A-Fa-f:]+\\])(?::[0-9]+)?";
    private static final String TAG = "[\\w][\\w.-]{0,127}";
    private static final String DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
    private static final Pattern REFERENCE = Pattern.compile(
            "(?:(" + DOMAIN + ")/)?(" + PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*)"
                    + "(?::(" + TAG + "))?(?:@(" + DIGEST + "))?");
    private static final int MAX_NAME_LENGTH = 255;

    /** Parses {@code text}; {@link IllegalArgumentException} with the reason when it is not a valid reference. */
    public static ImageReference parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("image reference is empty");
        }
        Matcher m = REFERENCE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + printable(text) + "' is not a valid image reference "
                    + "([registry/]name[:tag][@digest], lower-case name)");
        }
        String domain = m.group(1);
        String path = m.group(2);
        // "a/b": "a" is a registry only when it looks like a host (dot, port or localhost), as Docker decides.
        if (domain != null && !domain.contains(".") && !domain.contains(":") && !domain.equals("localhost")
                && domain.equals(domain.toLowerCase())) {
            path = domain + "/" + path;
            domain = null;
        }
        String name = domain == null ? path : domain + "/" + path;
        if (name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("image name is longer than " + MAX_NAME_LENGTH + " characters");
        }
        return new ImageReference(Optional.ofNullable(domain), path, Optional.ofNullable(m.group(3)),
                Optional.ofNullable(m.group(4)));
    }

    /** Repository without tag or digest, e.g. {@code registry:5000/team/model}. */
    public String repository() {
        return domain.map(d -> d + "/" + path).orElse(path);
    }

    /** The tag, or {@code latest} when neither tag nor digest was given (Docker's default). */
    public String tagOrDefault() {
        return tag.orElse(digest.isPresent() ? "" : "latest");
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(repository());
        tag.ifPresent(t -> s.append(':').append(t));
        digest.ifPresent(d -> s.append('@').append(d));
        if (tag.isEmpty() && digest.isEmpty()) {
            s.append(":latest");
        }
        return s.toString();
    }

    private static String printable(String text) {
        String cut = text.length() > 80 ? text.substring(0, 80) + "..." : text;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
