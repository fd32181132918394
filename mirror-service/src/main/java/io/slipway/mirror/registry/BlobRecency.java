package io.slipway.mirror.registry;

import io.slipway.mirror.space.SpaceConfig;
import io.slipway.mirror.storage.Storage;
import io.slipway.mirror.storage.StorageNotFoundException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * When each blob was last used, kept in the store next to the content ({@link StorageLayout#blobAccessed}) so that all
 * instances on one bucket see it: cache eviction goes by it (least recently used first) and the garbage collector
 * spares blobs used within its grace period. A use is written at most once per resolution
 * ({@code mirror.space.recency-resolution}) per blob and instance (one tiny PUT), so a hot blob costs a map lookup per
 * pull.
 */
@ApplicationScoped
public class BlobRecency {

    private static final int MAX_REMEMBERED = 200_000;
    private static final Logger LOG = Logger.getLogger(BlobRecency.class);

    private final Storage storage;
    private final Event<Cached> cached;
    private final long resolutionMillis;
    private final Map<Digest, Long> written = new ConcurrentHashMap<>();

    public BlobRecency(Storage storage, Event<Cached> cached, SpaceConfig config) {
        this.storage = storage;
        this.cached = cached;
        this.resolutionMillis = config.recencyResolution().toMillis();
    }

    /** A blob that an upstream download just stored: recorded as used, and announced (space management). */
    public record Cached(Digest digest, long size) {}

    /** The blob was used now (pulled, its size asked): recorded unless this instance did so within the resolution. */
    public void used(Digest digest) {
        record(digest, false);
    }

    /**
     * The blob is being written, or referenced by a manifest that is being pushed: always recorded, so that a
     * collection whose mark did not see the manifest yet spares the blob (pushes are rare next to pulls).
     */
    public void referenced(Digest digest) {
        record(digest, true);
    }

    private void record(Digest digest, boolean always) {
        long now = System.currentTimeMillis();
        Long last = written.get(digest);
        if (!always && last != null && now - last < resolutionMillis) {
            return;
        }
        if (written.size() > MAX_REMEMBERED) {
            written.clear();
        }
        written.put(digest, now);
        try {
            storage.putContent(StorageLayout.blobAccessed(digest),
                    Long.toString(now).getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            written.remove(digest);
            LOG.warnf("cannot record the use of %s: %s", digest, e.getMessage());
        }
    }

    /** An upstream download of {@code size} bytes was stored. */
    public void downloaded(Digest digest, long size) {
        used(digest);
        cached.fire(new Cached(digest, size));
    }

    /** When the blob was last recorded as used, by any instance; empty if never. */
    public Optional<Long> lastUsed(Digest digest) throws IOException {
        return storage.stat(StorageLayout.blobAccessed(digest)).map(Storage.ObjectInfo::modifiedMillis);
    }

    /** The blob is gone (collected or evicted): its record goes too. */
    public void forget(Digest digest) throws IOException {
        written.remove(digest);
        try {
            storage.delete(StorageLayout.blobAccessed(digest));
        } catch (StorageNotFoundException ignored) {
            // never used since it was written
        }
    }
}
