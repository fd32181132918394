package io.slipway.mirror.space;

import io.slipway.mirror.registry.BlobRecency;
import io.slipway.mirror.registry.StorageLayout;
import io.slipway.mirror.space.StoreInventory.Blob;
import io.slipway.mirror.storage.Storage;
import io.slipway.mirror.storage.StorageNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Keeps content cached from upstreams under its limit: the least recently used cached blobs go first, until the rest
 * fits. Only blobs that caches alone hold are candidates — pushed content and manifests never are — and none used
 * within the minimum idle time (it may be being served). An evicted blob is fetched again by the next pull.
 */
final class CacheEviction {

    private static final Logger LOG = Logger.getLogger(CacheEviction.class);

    record Result(int blobs, long bytes, long cachedBytes) {}

    private final Storage storage;
    private final BlobRecency recency;
    private final SpaceMetrics metrics;

    CacheEviction(Storage storage, BlobRecency recency, SpaceMetrics metrics) {
        this.storage = storage;
        this.recency = recency;
        this.metrics = metrics;
    }

    Result evict(StoreInventory inventory, long limit, Duration minIdle) throws IOException {
        long cached = inventory.cachedBytes();
        long idleBefore = System.currentTimeMillis() - minIdle.toMillis();
        List<Blob> oldestFirst = inventory.blobs().values().stream().filter(b -> inventory.isEvictable(b.digest()))
                .sorted(Comparator.comparingLong(inventory::lastTouched)).toList();
        int evicted = 0;
        long bytes = 0;
        for (Blob blob : oldestFirst) {
            if (cached <= limit) {
                break;
            }
            if (inventory.lastTouched(blob) >= idleBefore
                    || recency.lastUsed(blob.digest()).filter(t -> t >= idleBefore).isPresent()) {
                continue; // in use: the next pass may take it
            }
            try {
                storage.delete(StorageLayout.blobData(blob.digest()));
            } catch (StorageNotFoundException e) {
                // collected or evicted by another instance meanwhile: it no longer counts either way
            }
            recency.forget(blob.digest());
            cached -= blob.size();
            evicted++;
            bytes += blob.size();
            metrics.evicted(blob.size());
        }
        if (evicted > 0) {
            LOG.infof("evicted %d cached blob(s), %d bytes; cached content now %d of %d bytes", evicted, bytes, cached,
                    limit);
        }
        return new Result(evicted, bytes, cached);
    }
}
