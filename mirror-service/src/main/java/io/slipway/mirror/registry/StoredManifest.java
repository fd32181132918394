package io.slipway.mirror.registry;

/** A manifest as stored: its digest, media type and exact bytes. */
public record StoredManifest(Digest digest, String mediaType, byte[] content) {}
