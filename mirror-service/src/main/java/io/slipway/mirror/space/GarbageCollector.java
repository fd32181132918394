package io.slipway.mirror.space;

import io.slipway.mirror.registry.BlobRecency;
import io.slipway.mirror.registry.Digest;
import io.slipway.mirror.registry.StorageLayout;
import io.slipway.mirror.space.StoreInventory.Blob;
import io.slipway.mirror.space.StoreInventory.Upload;
import io.slipway.mirror.storage.Storage;
import io.slipway.mirror.storage.StorageNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.logging.Logger;

/**
 * The sweep of an online mark-and-sweep: a blob goes only when no manifest revision references it (the mark, in the
 * {@link StoreInventory}) and it was neither written nor used within the grace period, which is checked once more
 * against the store right before each delete (another instance may have used it since the scan). Uploads without
 * activity for the upload TTL go too, and so do the repositories' links to blobs that are gone (collected now or
 * before). Nothing is deleted in a dry run.
 */
final class GarbageCollector {

    private static final Logger LOG = Logger.getLogger(GarbageCollector.class);
    static final int SWEEPERS = 8;
    private static final int BATCH = 512;

    /** Called between deletes: renews the lease, or throws to stop the sweep. */
    interface Lease {
        void keep() throws IOException;
    }

    private final Storage storage;
    private final BlobRecency recency;
    private final SpaceMetrics metrics;

    GarbageCollector(Storage storage, BlobRecency recency, SpaceMetrics metrics) {
        this.storage = storage;
        this.recency = recency;
        this.metrics = metrics;
    }

    /** Scans the store (the mark), then sweeps; the grace period counts back from before the scan. */
    GcReport collect(StoreScan scan, boolean dryRun, Duration grace, Duration uploadTtl, Lease lease)
            throws IOException {
        Instant started = Instant.now();
        long cutoff = started.toEpochMilli() - grace.toMillis();
        StoreInventory inventory = scan.scan();
        int deleted = 0;
        int kept = 0;
        long bytes = 0;
        List<String> listed = new ArrayList<>();
        List<Blob> candidates = new ArrayList<>();
        for (Blob blob : inventory.blobs().values()) {
            if (inventory.referenced().contains(blob.digest()) || inventory.lastTouched(blob) >= cutoff) {
                kept++;
            } else {
                candidates.add(blob);
            }
        }
        List<Blob> gone = dryRun ? candidates : sweep(candidates, inventory, cutoff, lease);
        int links = 0;
        if (!dryRun) {
            for (Blob blob : gone) {
                lease.keep();
                links += dropLinks(blob.digest(), inventory, cutoff);
            }
            for (Digest orphan : inventory.layerLinks().keySet()) {
                if (!inventory.blobs().containsKey(orphan)) { // its bytes were gone already when the scan ran
                    lease.keep();
                    links += dropLinks(orphan, inventory, cutoff);
                }
            }
        }
        kept += candidates.size() - gone.size();
        for (Blob blob : gone) {
            deleted++;
            bytes += blob.size();
            if (listed.size() < GcReport.LISTED) {
                listed.add(blob.digest().toString());
            }
        }
        int uploads = 0;
        long uploadBytes = 0;
        long uploadCutoff = started.toEpochMilli() - uploadTtl.toMillis();
        for (Upload upload : inventory.uploads()) {
            if (upload.lastActivityMillis() >= uploadCutoff) {
                continue;
            }
            if (!dryRun) {
                lease.keep();
                try {
                    storage.delete(upload.key());
                } catch (StorageNotFoundException e) {
                    continue; // completed or cancelled meanwhile
                }
                metrics.uploadSwept(upload.bytes());
            }
            uploads++;
            uploadBytes += upload.bytes();
        }
        long duration = Duration.between(started, Instant.now()).toMillis();
        LOG.infof("%s: %d blob(s), %d bytes%s; %d abandoned upload(s); %d link(s) to gone blobs removed; "
                + "%d blob(s) kept; %d ms", dryRun ? "garbage collection (dry run)" : "garbage collection", deleted,
                bytes, dryRun ? " would go" : " reclaimed", uploads, links, kept, duration);
        return new GcReport(dryRun, started, duration, grace.toString(), inventory.revisions(), kept, deleted, bytes,
                listed, uploads, uploadBytes, inventory.storedBytes() - (dryRun ? 0 : bytes));
    }

    /**
     * Deletes the candidates that are still unused, {@value #SWEEPERS} at a time (an object store answers each delete
     * after a round trip; the filesystem after a few system calls), renewing the lease between batches.
     */
    private List<Blob> sweep(List<Blob> candidates, StoreInventory inventory, long cutoff, Lease lease)
            throws IOException {
        List<Blob> gone = new ArrayList<>();
        ExecutorService sweepers = Executors.newFixedThreadPool(SWEEPERS, r -> {
            Thread t = new Thread(r, "mirror-gc-sweep");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int from = 0; from < candidates.size(); from += BATCH) {
                lease.keep();
                List<Blob> batch = candidates.subList(from, Math.min(candidates.size(), from + BATCH));
                List<Future<Boolean>> results = new ArrayList<>();
                for (Blob blob : batch) {
                    results.add(sweepers.submit(() -> deleteIfStillUnused(blob, inventory, cutoff)));
                }
                for (int i = 0; i < batch.size(); i++) {
                    if (result(results.get(i))) {
                        gone.add(batch.get(i));
                        metrics.collected(batch.get(i).size());
                    }
                }
            }
            return gone;
        } finally {
            sweepers.shutdownNow();
        }
    }

    private static boolean result(Future<Boolean> deleted) throws IOException {
        try {
            return deleted.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Deletes the blob and its use record, unless it was written or used since. */
    private boolean deleteIfStillUnused(Blob blob, StoreInventory inventory, long cutoff) throws IOException {
        Digest digest = blob.digest();
        if (recency.lastUsed(digest).filter(t -> t >= cutoff).isPresent()) {
            return false;
        }
        Optional<Storage.ObjectInfo> now = storage.stat(StorageLayout.blobData(digest));
        if (now.isEmpty() || now.get().modifiedMillis() >= cutoff) {
            return false; // gone already, or written again
        }
        try {
            storage.delete(StorageLayout.blobData(digest));
        } catch (StorageNotFoundException e) {
            return false;
        }
        if (inventory.lastUsed().containsKey(digest)) {
            recency.forget(digest);
        }
        return true;
    }

    /**
     * Removes the repositories' links to a blob whose bytes are gone (they name nothing: HEAD and GET answer
     * BLOB_UNKNOWN), the same rules as for blobs: only links older than the grace period, and only while the bytes are
     * absent. A push that stores the blob again meanwhile writes its bytes before its link (or finds its old link and
     * keeps it): so the bytes are looked for once more after the deletes, and any link removed is written back when
     * they are there. Returns how many links went.
     */
    private int dropLinks(Digest digest, StoreInventory inventory, long cutoff) throws IOException {
        String data = StorageLayout.blobData(digest);
        if (storage.stat(data).isPresent()) {
            return 0;
        }
        List<String> removed = new ArrayList<>();
        for (StoreInventory.Link link : inventory.layerLinks().getOrDefault(digest, List.of())) {
            if (link.modifiedMillis() >= cutoff) {
                continue; // young: a push may be linking it right now
            }
            try {
                storage.delete(link.key());
                removed.add(link.key());
            } catch (StorageNotFoundException e) {
                // unlinked meanwhile
            }
        }
        if (!removed.isEmpty() && storage.stat(data).isPresent()) {
            for (String key : removed) {
                storage.putContent(key, digest.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            return 0;
        }
        return removed.size();
    }
}
