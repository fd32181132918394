package io.slipway.mirror.upstream;

/** What a blob HEAD tells: its size, -1 when the upstream does not say. */
public record BlobStat(long size) {}
