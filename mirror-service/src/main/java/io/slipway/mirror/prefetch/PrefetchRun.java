package io.slipway.mirror.prefetch;

import io.slipway.mirror.api.OciErrorMapper;
import io.slipway.mirror.registry.RegistryException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Warms every image of a plan, one after the other; a failed image does not stop the others. {@link #failure()} is
 * the first failure, its detail naming the image, which is what a caller answers with.
 */
public final class PrefetchRun {

    private final List<ImagePrefetched> warmed = new ArrayList<>();
    private final List<PrefetchEvent> failures = new ArrayList<>();
    private RegistryException failure;

    public static PrefetchRun of(Prefetcher prefetcher, PrefetchPlan plan, Consumer<PrefetchEvent> progress) {
        PrefetchRun run = new PrefetchRun();
        for (ImageToWarm image : plan.images()) {
            try {
                ImagePrefetched done = prefetcher.warm(image, plan.platform(), progress);
                run.warmed.add(done);
                progress.accept(PrefetchEvent.done(done));
            } catch (Exception e) {
                RegistryException r = OciErrorMapper.toRegistryException(e);
                String detail = String.valueOf(r.detail() == null ? r.getMessage() : r.detail());
                if (!detail.startsWith(image.image())) {
                    detail = image.image() + ": " + detail;
                }
                PrefetchEvent failed = PrefetchEvent.failed(image.image(), r.code().name(), detail);
                run.failures.add(failed);
                if (run.failure == null) {
                    run.failure = new RegistryException(r.code(), r.getMessage(), detail, r.status());
                    r.headers().forEach(run.failure::withHeader);
                }
                progress.accept(failed);
            }
        }
        return run;
    }

    public List<ImagePrefetched> warmed() {
        return warmed;
    }

    public List<PrefetchEvent> failures() {
        return failures;
    }

    public RegistryException failure() {
        return failure;
    }
}
