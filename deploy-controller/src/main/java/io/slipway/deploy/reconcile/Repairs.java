package io.slipway.deploy.reconcile;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * What the reconciler repaired: logged, counted as {@code slipway_reconcile_repairs_total{service,repair}} and the last
 * one per service kept for {@code GET /services}.
 */
@ApplicationScoped
public class Repairs {

    /** The kinds of drift the reconciler repairs. */
    public enum Kind {
        /** No color ran: the desired version was started from the definition. */
        START,
        /** The live color's containers had stopped: they were started again. */
        RESTART,
        /** nginx named a color without healthy containers: traffic went to the healthy one. */
        REROUTE,
        /** nginx did not run the route files (restarted, reload missed, files newer): they were applied. */
        REAPPLY,
        /** Containers of another color (a half-made or old one) were removed. */
        CLEANUP,
        /** A deploy the controller was running when it stopped was finished. */
        FINISH_DEPLOY
    }

    public record Repair(Instant at, String kind, String detail, long total) {}

    private static final Logger LOG = Logger.getLogger(Repairs.class);

    private final MeterRegistry registry;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, Repair> last = new ConcurrentHashMap<>();

    public Repairs(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(String service, Kind kind, String detail) {
        LOG.warnf("reconcile %s: %s: %s", service, kind.name().toLowerCase(), detail);
        Counter.builder("slipway.reconcile.repairs").description("Drift the reconciler repaired, by kind")
                .tags("service", service, "repair", kind.name().toLowerCase()).register(registry).increment();
        long total = last.containsKey(service) ? last.get(service).total() + 1 : 1;
        last.put(service, new Repair(clock.instant(), kind.name().toLowerCase(), detail, total));
    }

    /** The service's last repair since this controller started. */
    public Optional<Repair> last(String service) {
        return Optional.ofNullable(last.get(service));
    }
}
