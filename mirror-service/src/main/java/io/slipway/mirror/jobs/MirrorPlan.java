package io.slipway.mirror.jobs;

import java.util.List;

/** A checked mirror job: what to copy, which tags to add, which platforms to keep, and where to. */
public record MirrorPlan(List<ImageName> images, List<String> extraTags, List<Platform> platforms,
        MirrorTarget target) {}
