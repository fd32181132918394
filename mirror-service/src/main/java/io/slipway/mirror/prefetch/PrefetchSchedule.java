package io.slipway.mirror.prefetch;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.slipway.mirror.config.MirrorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The configured prefetch list ({@code mirror.prefetch.images}): warmed in the background right after start, then
 * again every interval, so that its tags follow their upstream and evicted content comes back. A list that does not
 * parse stops the start, so a typo is seen at once rather than at the next rollout.
 */
@ApplicationScoped
public class PrefetchSchedule {

    private static final Logger LOG = Logger.getLogger(PrefetchSchedule.class);

    private final Prefetcher prefetcher;
    private final MirrorConfig.Prefetch config;
    private final Optional<PrefetchPlan> plan;
    private volatile Map<String, Object> lastRun;
    private ScheduledExecutorService timer;

    public PrefetchSchedule(Prefetcher prefetcher, MirrorConfig config) {
        this.prefetcher = prefetcher;
        this.config = config.prefetch();
        this.plan = this.config.images().filter(l -> !l.isEmpty())
                .map(images -> PrefetchPlan.of(images, this.config.platform()));
    }

    void onStart(@Observes StartupEvent event) {
        if (plan.isEmpty()) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mirror-prefetch");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::runOnce, 0, config.interval().toMillis(), TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    void runOnce() {
        Instant started = Instant.now();
        try {
            PrefetchRun run = PrefetchRun.of(prefetcher, plan.orElseThrow(), event -> {});
            run.failures().forEach(f -> LOG.warnf("prefetch of %s failed: %s %s", f.image(), f.code(), f.detail()));
            LOG.infof("prefetch list warmed: %d images, %d failed", run.warmed().size(), run.failures().size());
            Map<String, Object> last = new LinkedHashMap<>();
            last.put("startedAt", started.toString());
            last.put("finishedAt", Instant.now().toString());
            last.put("warmed", run.warmed());
            last.put("failed", run.failures());
            lastRun = last;
        } catch (RuntimeException e) {
            // Never let one bad run end the schedule.
            LOG.error("prefetch run failed", e);
        }
    }

    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("images", plan.map(p -> p.images().stream().map(ImageToWarm::image).toList()).orElse(List.of()));
        d.put("platform", plan.flatMap(PrefetchPlan::platform).map(Platform::toString).orElse(null));
        d.put("interval", config.interval().toString());
        d.put("lastRun", lastRun);
        return d;
    }
}
