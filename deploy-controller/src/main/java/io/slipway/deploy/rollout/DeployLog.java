package io.slipway.deploy.rollout;

import io.slipway.deploy.state.Deploy;
import io.slipway.deploy.state.DeployStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * The record of one running deploy: every change is saved to the store first (so a crash loses nothing that was
 * reported), then shown to listeners (SSE streams) and, at the end, to whoever waits.
 */
public final class DeployLog {

    private static final Logger LOG = Logger.getLogger(DeployLog.class);

    private final DeployStore store;
    private final Clock clock;
    private final List<Consumer<Deploy>> listeners = new ArrayList<>();
    private final CompletableFuture<Deploy> done = new CompletableFuture<>();
    private Deploy current;

    DeployLog(DeployStore store, Clock clock, Deploy initial) {
        this.store = store;
        this.clock = clock;
        this.current = initial;
    }

    public synchronized Deploy current() {
        return current;
    }

    public CompletableFuture<Deploy> done() {
        return done;
    }

    /** Calls {@code listener} with the current state now and with every later change, until the deploy ends. */
    public synchronized void listen(Consumer<Deploy> listener) {
        listener.accept(current);
        if (!current.finished()) {
            listeners.add(listener);
        }
    }

    public synchronized void unlisten(Consumer<Deploy> listener) {
        listeners.remove(listener);
    }

    void step(String step, String message) {
        LOG.infof("deploy %s [%s] %s: %s", current().id(), current().service(), step, message);
        update(d -> d.withStep(new Deploy.Step(clock.instant(), step, message)));
    }

    synchronized void update(UnaryOperator<Deploy> change) {
        Deploy next = change.apply(current);
        store.save(next);
        current = next;
        for (Consumer<Deploy> listener : List.copyOf(listeners)) {
            listener.accept(next);
        }
        if (next.finished()) {
            listeners.clear();
            done.complete(next);
        }
    }

    Clock clock() {
        return clock;
    }
}
