package io.slipway.deploy.fakes;

import io.slipway.deploy.image.MirrorClient;
import io.slipway.deploy.image.MirrorException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@link MirrorClient} in memory: images it has (as named on the mirror) with their digest, or a failure of one kind
 * for every prefetch; each prefetch written to the {@link Journal} as {@code mirror.prefetch <image> <platform>}.
 */
public final class FakeMirrorClient implements MirrorClient {

    private final Journal journal;
    private final Map<String, Prefetched> images = new HashMap<>();
    private MirrorException.Kind failure;

    public FakeMirrorClient(Journal journal) {
        this.journal = journal;
    }

    /** The mirror has {@code image} at {@code digest}, {@code fetched} of its bytes coming from its upstream. */
    public synchronized void has(String image, String digest, long fetched) {
        images.put(image, new Prefetched(digest, 3, 1_000_000, fetched, 12));
    }

    /** Every prefetch from now on fails this way (null: none does). */
    public synchronized void failWith(MirrorException.Kind kind) {
        this.failure = kind;
    }

    @Override
    public synchronized Prefetched prefetch(String image, Optional<String> platform) {
        journal.add("mirror.prefetch " + image + platform.map(p -> " " + p).orElse(""));
        if (failure != null) {
            throw new MirrorException(failure, "fake: " + failure, null);
        }
        Prefetched p = images.get(image);
        if (p == null) {
            throw new MirrorException(MirrorException.Kind.UNKNOWN_IMAGE, "fake: MANIFEST_UNKNOWN " + image, null);
        }
        return p;
    }
}
