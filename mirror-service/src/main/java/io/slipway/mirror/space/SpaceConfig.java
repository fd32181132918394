package io.slipway.mirror.space;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * How the mirror keeps its store from filling up ({@code MIRROR_SPACE_*}): a size limit for content cached from
 * upstreams (least recently used goes first; pushed content is never evicted), and garbage collection of blobs that
 * nothing references any more.
 */
@ConfigMapping(prefix = "mirror.space")
public interface SpaceConfig {

    /**
     * Most bytes of upstream content the store keeps, e.g. {@code 200G}; beyond it the least recently used cached blobs
     * are evicted (a later pull fetches them again). None: no limit.
     */
    Optional<MemorySize> cacheLimit();

    /**
     * Blobs younger than this (written or used within it) are never collected: a push uploads its blobs before its
     * manifest references them, and another instance may be doing so right now.
     */
    @WithDefault("1H")
    Duration gracePeriod();

    /** A cached blob used within this time is not evicted (it may be being served right now). */
    @WithDefault("1M")
    Duration evictionMinIdle();

    /** Uploads without activity for this long are abandoned and swept by the garbage collection. */
    @WithDefault("24H")
    Duration uploadTtl();

    /** How often each instance collects garbage (only one instance at a time does); 0: only on request. */
    @WithDefault("24H")
    Duration gcInterval();

    /** How often the store's size is measured (the stored-bytes gauge) and, with a limit, cached content evicted. */
    @WithDefault("5M")
    Duration checkInterval();

    /**
     * How stale a blob's recorded last use may be: a use is written to the store at most once per this time per blob
     * and instance (a tiny object), so a hot blob costs no write per pull. The grace period must be well above it.
     */
    @WithDefault("1M")
    Duration recencyResolution();

    /** How long the collector's lease in the store lasts unless renewed (an instance that died lets go after it). */
    @WithDefault("2M")
    Duration leaseTtl();
}
