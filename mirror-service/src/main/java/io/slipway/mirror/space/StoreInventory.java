package io.slipway.mirror.space;

import io.slipway.mirror.registry.Digest;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the store held when it was scanned: every blob with its size and age, what the manifests reference (the mark),
 * which blobs pushed repositories hold and which only caches of upstreams hold, when each blob was last used, the
 * uploads in progress, and the repositories' links to blobs (also to blobs that are gone).
 */
record StoreInventory(Map<Digest, Blob> blobs, Set<Digest> referenced, Set<Digest> manifests, Set<Digest> pushed,
        Set<Digest> cached, Map<Digest, Long> lastUsed, Collection<Upload> uploads,
        int revisions, Map<Digest, List<Link>> layerLinks) {

    record Blob(Digest digest, long size, long modifiedMillis) {}

    /** A repository's link to a blob ({@code <repo>/_layers/<algorithm>/<hex>/link}). */
    record Link(String key, long modifiedMillis) {}

    /** An upload in progress: its key prefix, when anything last happened to it, and the bytes its chunks hold. */
    record Upload(String key, long lastActivityMillis, long bytes) {}

    /** When the blob was last written or used, whichever is later. */
    long lastTouched(Blob blob) {
        return Math.max(blob.modifiedMillis(), lastUsed.getOrDefault(blob.digest(), 0L));
    }

    /** Content only caches of upstreams hold: evictable (a later pull fetches it again); manifests are kept. */
    boolean isEvictable(Digest digest) {
        return cached.contains(digest) && !pushed.contains(digest) && !manifests.contains(digest);
    }

    long storedBytes() {
        return blobs.values().stream().mapToLong(Blob::size).sum();
    }

    long cachedBytes() {
        return blobs.values().stream().filter(b -> isEvictable(b.digest())).mapToLong(Blob::size).sum();
    }

    long pushedBytes() {
        return blobs.values().stream().filter(b -> pushed.contains(b.digest())).mapToLong(Blob::size).sum();
    }

    long unreferencedBytes() {
        return blobs.values().stream().filter(b -> !referenced.contains(b.digest())).mapToLong(Blob::size).sum();
    }
}
