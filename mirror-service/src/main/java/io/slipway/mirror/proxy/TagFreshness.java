package io.slipway.mirror.proxy;

import io.slipway.mirror.registry.RepositoryName;
import io.slipway.mirror.registry.Tag;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * When a cached tag was last confirmed by its upstream. Within the TTL it is served without asking; after it, the
 * caller re-validates (HEAD) and reports the outcome here. Digests need none of this: they never change.
 *
 * <p>The time is kept in memory and in the store ({@link Record}), so that mirror instances on one bucket agree: a
 * tag that instance A re-validated is fresh on B too, and B asks the upstream only once the shared TTL has run out.
 */
final class TagFreshness {

    private static final Logger LOG = Logger.getLogger(TagFreshness.class);

    /** Where the confirmation times are shared; failures only cost an extra HEAD. */
    interface Record {
        Optional<Instant> validatedAt(RepositoryName repo, Tag tag) throws IOException;

        void validated(RepositoryName repo, Tag tag, Instant at) throws IOException;

        void forget(RepositoryName repo, Tag tag) throws IOException;
    }

    private final Duration ttl;
    private final Clock clock;
    private final Record shared;
    private final Map<String, Instant> validated = new ConcurrentHashMap<>();

    TagFreshness(Duration ttl, Clock clock, Record shared) {
        this.ttl = ttl;
        this.clock = clock;
        this.shared = shared;
    }

    boolean isFresh(RepositoryName repo, Tag tag) {
        String key = repo + ":" + tag;
        Instant at = validated.get(key);
        if (at == null || !within(at)) {
            try {
                at = shared.validatedAt(repo, tag).orElse(null); // another instance may have asked meanwhile
            } catch (IOException e) {
                LOG.debugf("cannot read when %s was validated: %s", key, e.getMessage());
                at = null;
            }
            if (at != null) {
                validated.put(key, at);
            }
        }
        return at != null && within(at);
    }

    /** The upstream confirmed the tag (same digest) or we fetched it anew. */
    void confirmed(RepositoryName repo, Tag tag) {
        Instant now = clock.instant();
        validated.put(repo + ":" + tag, now);
        try {
            shared.validated(repo, tag, now);
        } catch (IOException e) {
            LOG.debugf("cannot record the validation of %s:%s: %s", repo, tag, e.getMessage());
        }
    }

    /** The upstream no longer has the tag: the next request asks again. */
    void forget(RepositoryName repo, Tag tag) {
        validated.remove(repo + ":" + tag);
        try {
            shared.forget(repo, tag);
        } catch (IOException e) {
            LOG.debugf("cannot forget the validation of %s:%s: %s", repo, tag, e.getMessage());
        }
    }

    private boolean within(Instant at) {
        return at.plus(ttl).isAfter(clock.instant());
    }
}
