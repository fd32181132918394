package io.slipway.mirror.upstream;

import java.util.Optional;

/** A manifest as the upstream sent it; when it declared a {@code Docker-Content-Digest}, the bytes match it. */
public record UpstreamManifest(Optional<String> mediaType, byte[] content) {}
