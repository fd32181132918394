package io.slipway.mirror.proxy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
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

    @Test
    void aTagIsFreshOnlyWithinTheTtlAfterItWasConfirmed() {
        HandClock clock = new HandClock();
        TagFreshness freshness = new TagFreshness(Duration.ofMinutes(5), clock);
        assertFalse(freshness.isFresh("hub/t:v1"), "never confirmed: ask the upstream");
        freshness.confirmed("hub/t:v1");
        clock.now = clock.now.plus(Duration.ofMinutes(4));
        assertTrue(freshness.isFresh("hub/t:v1"));
        assertFalse(freshness.isFresh("hub/t:v2"), "per tag");
        clock.now = clock.now.plus(Duration.ofMinutes(1));
        assertFalse(freshness.isFresh("hub/t:v1"), "the TTL ran out: re-validate");
        freshness.confirmed("hub/t:v1");
        assertTrue(freshness.isFresh("hub/t:v1"));
        freshness.forget("hub/t:v1");
        assertFalse(freshness.isFresh("hub/t:v1"), "gone upstream: ask again next time");
    }
}
