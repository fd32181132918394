package io.slipway.mirror.proxy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When a cached tag was last confirmed by its upstream. Within the TTL it is served without asking; after it, the
 * caller re-validates (HEAD) and reports the outcome here. Digests need none of this: they never change.
 */
final class TagFreshness {

    private final Duration ttl;
    private final Clock clock;
    private final Map<String, Instant> validated = new ConcurrentHashMap<>();

    TagFreshness(Duration ttl, Clock clock) {
        this.ttl = ttl;
        this.clock = clock;
    }

    boolean isFresh(String tagKey) {
        Instant at = validated.get(tagKey);
        return at != null && at.plus(ttl).isAfter(clock.instant());
    }

    /** The upstream confirmed the tag (same digest) or we fetched it anew. */
    void confirmed(String tagKey) {
        validated.put(tagKey, clock.instant());
    }

    /** The upstream no longer has the tag: the next request asks again. */
    void forget(String tagKey) {
        validated.remove(tagKey);
    }
}
