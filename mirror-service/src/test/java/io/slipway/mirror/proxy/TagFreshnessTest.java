package io.slipway.mirror.proxy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slipway.mirror.registry.RepositoryName;
import io.slipway.mirror.registry.Tag;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class TagFreshnessTest {

    /** A clock the test moves by hand. */
    private static final class HandClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** The store's record, shared by every instance in a test. */
    private static final class SharedRecord implements TagFreshness.Record {
        final Map<String, Instant> times = new ConcurrentHashMap<>();

        public Optional<Instant> validatedAt(RepositoryName repo, Tag tag) {
            return Optional.ofNullable(times.get(repo + ":" + tag));
        }

        public void validated(RepositoryName repo, Tag tag, Instant at) {
            times.put(repo + ":" + tag, at);
        }

        public void forget(RepositoryName repo, Tag tag) {
            times.remove(repo + ":" + tag);
        }
    }

    private static final RepositoryName REPO = RepositoryName.of("hub/t");
    private static final Tag V1 = new Tag("v1");

    @Test
    void aTagIsFreshOnlyWithinTheTtlAfterItWasConfirmed() {
        HandClock clock = new HandClock();
        TagFreshness freshness = new TagFreshness(Duration.ofMinutes(5), clock, new SharedRecord());
        assertFalse(freshness.isFresh(REPO, V1), "never confirmed: ask the upstream");
        freshness.confirmed(REPO, V1);
        clock.now = clock.now.plus(Duration.ofMinutes(4));
        assertTrue(freshness.isFresh(REPO, V1));
        assertFalse(freshness.isFresh(REPO, new Tag("v2")), "per tag");
        clock.now = clock.now.plus(Duration.ofMinutes(1));
        assertFalse(freshness.isFresh(REPO, V1), "the TTL ran out: re-validate");
        freshness.confirmed(REPO, V1);
        assertTrue(freshness.isFresh(REPO, V1));
        freshness.forget(REPO, V1);
        assertFalse(freshness.isFresh(REPO, V1), "gone upstream: ask again next time");
    }

    @Test
    void instancesOnOneStoreAgreeOnWhenATagWasLastValidated() {
        HandClock clock = new HandClock();
        SharedRecord store = new SharedRecord();
        TagFreshness a = new TagFreshness(Duration.ofMinutes(5), clock, store);
        TagFreshness b = new TagFreshness(Duration.ofMinutes(5), clock, store);
        assertFalse(b.isFresh(REPO, V1));
        a.confirmed(REPO, V1);
        assertTrue(b.isFresh(REPO, V1), "A asked the upstream: B need not");
        clock.now = clock.now.plus(Duration.ofMinutes(6));
        assertFalse(b.isFresh(REPO, V1));
        a.confirmed(REPO, V1);
        assertTrue(b.isFresh(REPO, V1), "B's own stale memory gives way to A's newer validation");
        a.forget(REPO, V1);
        clock.now = clock.now.plus(Duration.ofMinutes(6));
        assertFalse(b.isFresh(REPO, V1));
    }
}
