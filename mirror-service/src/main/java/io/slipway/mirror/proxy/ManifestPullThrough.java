package io.slipway.mirror.proxy;

import io.slipway.mirror.config.MirrorConfig;
import io.slipway.mirror.metrics.MirrorMetrics;
import io.slipway.mirror.metrics.MirrorMetrics.Kind;
import io.slipway.mirror.registry.ErrorCode;
import io.slipway.mirror.registry.ManifestReference;
import io.slipway.mirror.registry.ManifestStore;
import io.slipway.mirror.registry.RepositoryName;
import io.slipway.mirror.registry.StoredManifest;
import io.slipway.mirror.registry.Tag;
import io.slipway.mirror.upstream.ManifestHead;
import io.slipway.mirror.upstream.UpstreamException;
import io.slipway.mirror.upstream.UpstreamManifest;
import io.slipway.mirror.upstream.UpstreamNotFoundException;
import io.slipway.mirror.upstream.UpstreamRegistry;
import io.slipway.mirror.upstream.UpstreamUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Manifests of pull-through repositories: local store first. A digest is fetched once and kept. A tag is served from
 * the store within its TTL ({@link TagFreshness}), then re-validated with a HEAD and fetched again only when the
 * upstream points it elsewhere; while the upstream is unavailable, the cached manifest is served stale.
 */
@ApplicationScoped
public class ManifestPullThrough {

    private static final Logger LOG = Logger.getLogger(ManifestPullThrough.class);

    private final ManifestStore manifests;
    private final MirrorMetrics metrics;
    private final TagFreshness freshness;

    public ManifestPullThrough(ManifestStore manifests, MirrorMetrics metrics, MirrorConfig config) {
        this.manifests = manifests;
        this.metrics = metrics;
        this.freshness = new TagFreshness(config.proxy().tagTtl(), Clock.systemUTC(), new StoredValidations(manifests));
    }

    public StoredManifest manifest(RepositoryTarget target, ManifestReference ref) throws IOException {
        Optional<StoredManifest> cached = manifests.get(target.local(), ref);
        String what = target.requested() + ":" + ref;
        if (ref.isDigest()) {
            if (cached.isPresent()) {
                metrics.cacheHit(Kind.manifest);
                return cached.get();
            }
            metrics.cacheMiss(Kind.manifest);
            try {
                return fetch(target, ref);
            } catch (UpstreamException e) {
                throw UpstreamFailures.toRegistry(e, ErrorCode.MANIFEST_UNKNOWN, what);
            }
        }
        if (cached.isPresent() && freshness.isFresh(target.local(), ref.tag())) {
            metrics.cacheHit(Kind.manifest);
            return cached.get();
        }
        try {
            return revalidate(target, ref, cached);
        } catch (UpstreamNotFoundException e) {
            freshness.forget(target.local(), ref.tag());
            throw ErrorCode.MANIFEST_UNKNOWN.exception(cached.isPresent() ? what + " is gone upstream" : what);
        } catch (UpstreamUnavailableException e) {
            if (cached.isPresent()) {
                LOG.infof("serving stale cached manifest: %s", e.getMessage());
                metrics.staleServed(Kind.manifest);
                return cached.get();
            }
            throw UpstreamFailures.toRegistry(e, ErrorCode.MANIFEST_UNKNOWN, what);
        }
    }

    private StoredManifest revalidate(RepositoryTarget target, ManifestReference ref,
            Optional<StoredManifest> cached) throws IOException {
        if (cached.isPresent()) {
            ManifestHead head = upstream(target).headManifest(target.remoteName(), ref.toString());
            if (head.digest().filter(cached.get().digest().toString()::equals).isPresent()) {
                freshness.confirmed(target.local(), ref.tag());
                metrics.cacheHit(Kind.manifest);
                return cached.get();
            }
        }
        metrics.cacheMiss(Kind.manifest);
        StoredManifest fetched = fetch(target, ref);
        freshness.confirmed(target.local(), ref.tag());
        return fetched;
    }

    private StoredManifest fetch(RepositoryTarget target, ManifestReference ref) throws IOException {
        UpstreamManifest m = upstream(target).getManifest(target.remoteName(), ref.toString(),
                ManifestStore.MAX_MANIFEST_BYTES);
        // putPulled() verifies a digest reference against the bytes and stores nothing on mismatch.
        return manifests.putPulled(target.local(), ref, m.mediaType().orElse(null), m.content());
    }

    /** The confirmation times in the store, next to each cached tag. */
    private record StoredValidations(ManifestStore manifests) implements TagFreshness.Record {
        @Override
        public Optional<Instant> validatedAt(RepositoryName repo, Tag tag) throws IOException {
            return manifests.tagValidatedAt(repo, tag);
        }

        @Override
        public void validated(RepositoryName repo, Tag tag, Instant at) throws IOException {
            manifests.tagValidated(repo, tag, at);
        }

        @Override
        public void forget(RepositoryName repo, Tag tag) throws IOException {
            manifests.forgetTagValidation(repo, tag);
        }
    }

    private static UpstreamRegistry upstream(RepositoryTarget target) {
        return target.upstream().orElseThrow();
    }
}
