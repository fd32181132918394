package io.slipway.deploy.rollout;

import io.slipway.deploy.engine.ImageReference;
import io.slipway.deploy.state.Deploy;
import io.slipway.deploy.state.DeployStore;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * Accepts deploys and rollbacks, one at a time per service, and runs each on its own thread. The reconciler's repairs
 * take the same per-service lock ({@link #whileIdle}), so a repair never runs next to a deploy of the same service.
 */
@ApplicationScoped
public class Deployer {

    private static final Logger LOG = Logger.getLogger(Deployer.class);
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private final DeployContext context;
    private final DeployStore store;
    private final Clock clock = Clock.systemUTC();
    private final SecureRandom random = new SecureRandom();
    /** Service → its running deploy: the per-service lock (a second deploy gets 409). */
    private final Map<String, DeployLog> running = new ConcurrentHashMap<>();
    /** How long a deploy waits for a repair pass of its service to end before it gets 409. */
    static final Duration REPAIR_WAIT = Duration.ofSeconds(60);
    /** Services the reconciler is looking at now; guarded, with {@link #running}'s check-and-put, by {@code this}. */
    private final java.util.Set<String> repairing = new java.util.HashSet<>();
    /** Services whose traffic is paused (held): no deploy or repair runs on them; guarded by {@code this}. */
    private final java.util.Set<String> paused = new java.util.HashSet<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "deploy");
        t.setDaemon(true);
        return t;
    });

    public Deployer(DeployContext context, DeployStore store) {
        this.context = context;
        this.store = store;
    }

    /** Starts {@code plan}; 409 when a deploy of the service is running. Returns the deploy as recorded. */
    public DeployLog submit(DeployPlan plan) {
        return submit(plan, false);
    }

    /**
     * Runs {@code repair} on the calling thread while no deploy of {@code service} runs and none can start; returns
     * false (without running it) when a deploy runs. A deploy asked for meanwhile waits for the repair to end.
     */
    public boolean whileIdle(String service, Runnable repair) {
        synchronized (this) {
            if (running.containsKey(service) || paused.contains(service) || !repairing.add(service)) {
                return false;
            }
        }
        try {
            repair.run();
            return true;
        } finally {
            synchronized (this) {
                repairing.remove(service);
                notifyAll();
            }
        }
    }

    /**
     * Marks {@code service} paused while no deploy or repair of it runs: from then on deploys get 409 and the reconciler
     * leaves it alone, until {@link #unpause}. False when it is busy or paused already.
     */
    synchronized boolean pauseIfIdle(String service) {
        if (running.containsKey(service) || repairing.contains(service) || paused.contains(service)) {
            return false;
        }
        return paused.add(service);
    }

    synchronized void unpause(String service) {
        paused.remove(service);
        notifyAll();
    }

    /** Starts {@code plan} from inside {@link #whileIdle} (the repair holds the service's lock and hands it over). */
    public DeployLog submitRepair(DeployPlan plan) {
        return submit(plan, true);
    }

    private DeployLog submit(DeployPlan plan, boolean byRepair) {
        Instant now = clock.instant();
        String id = "d-" + ID_TIME.format(now) + "-" + HexFormat.of().formatHex(random.generateSeed(4));
        Deploy initial = new Deploy(id, plan.kind(), plan.service(), Deploy.State.RUNNING,
                new Deploy.Version(plan.image().toString(), plan.imageId().orElse(""), "", Map.of()), null,
                null, null, plan.replicas().orElse(0), plan.healthTimeout(), plan.drainTimeout(), null, null, null,
                now, null, List.of());
        DeployLog log = new DeployLog(store, clock, initial);
        DeployLog other;
        synchronized (this) {
            // A repair pass usually takes milliseconds (a drain of a stray color: up to the drain timeout).
            long deadline = System.nanoTime() + REPAIR_WAIT.toNanos();
            while (!byRepair && (repairing.contains(plan.service()) || repairDeployRunning(plan.service()))) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new DeployException(DeployError.DEPLOY_RUNNING, "the reconciler is repairing "
                            + plan.service() + "; retry in a minute", null);
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw DeployError.UNAVAILABLE.because("interrupted while waiting for a repair of "
                            + plan.service());
                }
            }
            if (paused.contains(plan.service())) {
                throw DeployError.SERVICE_PAUSED.because(plan.service() + " is paused; POST /services/"
                        + plan.service() + "/resume first");
            }
            other = running.putIfAbsent(plan.service(), log);
        }
        if (other != null) {
            throw new DeployException(DeployError.DEPLOY_RUNNING, "deploy " + other.current().id() + " of "
                    + plan.service() + " is running; retry when it has finished", other.current());
        }
        try {
            log.step("accepted", plan.kind().name().toLowerCase() + " of " + plan.service() + " to " + plan.image());
        } catch (RuntimeException e) {
            running.remove(plan.service(), log);
            throw DeployError.UNAVAILABLE.because("cannot record the deploy: " + e.getMessage());
        }
        threads.execute(() -> run(plan, log));
        return log;
    }

    /**
     * True while the reconciler's own deploy of {@code service} runs (the first start after {@code ./slipway up}, say):
     * a deploy asked for meanwhile waits for it, like for a repair pass, instead of a 409.
     */
    private boolean repairDeployRunning(String service) {
        DeployLog log = running.get(service);
        return log != null && log.current().kind() == Deploy.Kind.RECONCILE;
    }

    /** Frees the service for the next deploy and wakes deploys waiting for it. */
    private void release(DeployPlan plan, DeployLog log) {
        running.remove(plan.service(), log);
        synchronized (this) {
            notifyAll();
        }
    }

    /** Deploys the version the last successful deploy replaced, with its image id and env. */
    public DeployLog rollback(String service) {
        Deploy last = store.list(Optional.of(service)).stream()
                .filter(d -> d.state() == Deploy.State.SUCCEEDED && d.previous() != null
                        && d.kind() != Deploy.Kind.RECONCILE)
                .findFirst()
                .orElseThrow(() -> DeployError.NOTHING_TO_ROLL_BACK.because("no successful deploy of " + service
                        + " recorded, so there is no previous version"));
        Deploy.Version previous = last.previous();
        ImageReference image;
        try {
            image = ImageReference.parse(previous.image());
        } catch (IllegalArgumentException e) {
            throw DeployError.NOTHING_TO_ROLL_BACK.because("previous image '" + previous.image()
                    + "' cannot be deployed by name: " + e.getMessage());
        }
        DeployPlan plan = new DeployPlan(Deploy.Kind.ROLLBACK, service, image,
                Optional.ofNullable(previous.imageId()).filter(s -> !s.isBlank()),
                Optional.of(Math.max(1, last.replicas())), context.config().healthTimeout(),
                context.config().drainTimeout(), Map.of(),
                Optional.of(previous.env()));
        DeployLog log = submit(plan);
        context.metrics().rollback(service, "manual");
        return log;
    }

    /** The live record of a running deploy, for SSE streams and ?wait=true. */
    public Optional<DeployLog> runningLog(String id) {
        return running.values().stream().filter(l -> l.current().id().equals(id)).findFirst();
    }

    public Optional<Deploy> find(String id) {
        return runningLog(id).map(DeployLog::current).or(() -> store.find(id));
    }

    public CompletableFuture<Deploy> completion(DeployLog log) {
        return log.done();
    }

    private void run(DeployPlan plan, DeployLog log) {
        Instant started = clock.instant();
        try {
            Rollout rollout = new Rollout(plan, log, context);
            Target target = rollout.timed("prepare", () -> Target.prepare(rollout));
            Strategy.of(rollout, target).run(rollout, target);
            log.step("done", plan.service() + " runs " + plan.image() + " on " + log.current().color() + " ("
                    + phases(log.current()) + ")");
            // The service is free before the deploy reads as finished: a client that waits for the end (?wait=true)
            // and deploys again at once must not find this one still running.
            release(plan, log);
            log.update(d -> d.finish(Deploy.State.SUCCEEDED, null, null, clock.instant()));
        } catch (DeployFailure e) {
            fail(plan, log, e.getMessage(), e.logTail());
        } catch (RuntimeException | Error e) {
            LOG.errorf(e, "deploy %s failed unexpectedly", log.current().id());
            fail(plan, log, DeployFailure.reason(e), null);
        } finally {
            release(plan, log);
            Deploy end = log.current();
            if (end.finished()) {
                context.metrics().finished(end, Duration.between(started, clock.instant()));
            }
        }
    }

    /** "prepare 12 ms, create 340 ms, ..., total 1.9 s" */
    private String phases(Deploy d) {
        StringBuilder text = new StringBuilder();
        for (Deploy.Phase p : d.phases()) {
            text.append(p.name()).append(' ').append(p.millis()).append(" ms, ");
        }
        return text.append("total ").append(Duration.between(d.createdAt(), clock.instant()).toMillis()).append(" ms")
                .toString();
    }

    private void fail(DeployPlan plan, DeployLog log, String reason, String logTail) {
        try {
            log.step("failed", reason);
            release(plan, log);
            log.update(d -> d.finish(Deploy.State.FAILED, reason, logTail, clock.instant()));
        } catch (RuntimeException e) {
            LOG.errorf(e, "cannot record the failure of deploy %s", log.current().id());
            log.done().complete(log.current());
        }
    }

    /** Stops the deploy threads (at shutdown; tests on the fakes call it). */
    @PreDestroy
    public void stop() {
        threads.shutdownNow();
    }
}
