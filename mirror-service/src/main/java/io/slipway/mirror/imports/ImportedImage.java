package io.slipway.mirror.imports;

/** One image an import created: {@code reference} is what to pull ({@code <mirror host>/<repository>:<tag>}). */
public record ImportedImage(String reference, String repository, String tag, String digest, int layers, long bytes) {}
