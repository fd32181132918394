package io.slipway.mirror.jobs;

import io.slipway.mirror.registry.Digest;
import io.slipway.mirror.registry.ErrorCode;
import io.slipway.mirror.registry.RepositoryName;
import io.slipway.mirror.registry.Tag;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A source image as Docker names it: {@code [registry/]repository[:tag][@digest]}. No registry means Docker Hub, whose
 * one-part names live under {@code library/}; without tag and digest the tag is {@code latest}.
 */
public record ImageName(String registry, RepositoryName repository, Optional<Tag> tag, Optional<Digest> digest) {

    public static final String DOCKER_HUB = "docker.io";

    public static ImageName parse(String text) {
        if (text == null || text.isBlank()) {
            throw ErrorCode.MIRROR_JOB_INVALID.exception("an image reference is empty");
        }
        String rest = text.trim();
        Optional<Digest> digest = Optional.empty();
        int at = rest.indexOf('@');
        if (at >= 0) {
            try {
                digest = Optional.of(Digest.parse(rest.substring(at + 1)));
            } catch (RuntimeException e) {
                throw ErrorCode.MIRROR_JOB_INVALID.exception("invalid digest in " + text);
            }
            rest = rest.substring(0, at);
        }
        String registry = DOCKER_HUB;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                registry = first;
                rest = rest.substring(slash + 1);
            }
        }
        if (registry.equals("index.docker.io") || registry.equals("registry-1.docker.io")) {
            registry = DOCKER_HUB;
        }
        Optional<Tag> tag = Optional.empty();
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = Optional.of(new Tag(rest.substring(colon + 1)));
            rest = rest.substring(0, colon);
        }
        if (registry.equals(DOCKER_HUB) && !rest.contains("/")) {
            rest = "library/" + rest;
        }
        if (tag.isEmpty() && digest.isEmpty()) {
            tag = Optional.of(new Tag("latest"));
        }
        return new ImageName(registry, RepositoryName.of(rest), tag, digest);
    }

    /** What to pull: the digest when there is one (it pins the content), else the tag. */
    public String pullReference() {
        return digest.map(Digest::toString).orElseGet(() -> tag.orElseThrow().value());
    }

    /** The tags the copy gets at the destination: its own and the job's extra tags. */
    public List<String> tags(List<String> extraTags) {
        Set<String> tags = new LinkedHashSet<>();
        tag.ifPresent(t -> tags.add(t.value()));
        tags.addAll(extraTags);
        return new ArrayList<>(tags);
    }

    @Override
    public String toString() {
        return registry + "/" + repository + tag.map(t -> ":" + t).orElse("") + digest.map(d -> "@" + d).orElse("");
    }
}
