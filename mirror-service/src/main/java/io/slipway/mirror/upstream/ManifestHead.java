package io.slipway.mirror.upstream;

import java.util.Optional;

/** What a manifest HEAD tells: the digest the reference points at, when the upstream says. */
public record ManifestHead(Optional<String> digest) {}
