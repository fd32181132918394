package io.slipway.deploy.state;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One deploy (or rollback) of a model service, as reported by the API and kept in the history. Immutable: each step
 * makes a new value.
 */
public record Deploy(String id, Kind kind, String service, State state, Version target, Version previous,
                     String color, String previousColor, int replicas, Duration healthTimeout,
                     Duration drainTimeout, List<Step> steps, String reason, String logTail,
                     Instant createdAt, Instant finishedAt, List<Phase> phases) {

    /** RECONCILE: the reconciler started the service's desired version because none of its colors ran. */
    public enum Kind { DEPLOY, ROLLBACK, RECONCILE }

    /** RUNNING until the end; FAILED always means the previous version kept (or got back) the traffic. */
    public enum State { RUNNING, SUCCEEDED, FAILED }

    /** What runs: the image as asked for, the image id it resolved to, its repo digest and the service's own env. */
    public record Version(String image, String imageId, String digest, Map<String, String> env) {
        public Version {
            env = env == null ? Map.of() : Map.copyOf(env);
        }
    }

    /** A progress line with its time; {@code step} names the phase (pull, create, healthy, switch, ...). */
    public record Step(Instant at, String step, String message) {}

    /**
     * How long one phase of the deploy took, in the order they ran: {@code prepare} (image and service read),
     * {@code create} (new containers created and started), {@code ready} (until every one is ready), {@code switch}
     * (nginx reloaded), {@code verify} (nginx answers with the new color), {@code drain} (old requests finished),
     * {@code stop} (old containers stopped and removed).
     */
    public record Phase(String name, long millis) {}

    public Deploy {
        steps = steps == null ? List.of() : List.copyOf(steps);
        // History written before phases were recorded has none.
        phases = phases == null ? List.of() : List.copyOf(phases);
    }

    public Deploy withPhase(Phase phase) {
        List<Phase> more = new ArrayList<>(phases);
        more.add(phase);
        return new Deploy(id, kind, service, state, target, previous, color, previousColor, replicas, healthTimeout,
                drainTimeout, steps, reason, logTail, createdAt, finishedAt, more);
    }

    public boolean finished() {
        return state != State.RUNNING;
    }

    public Deploy withStep(Step step) {
        List<Step> more = new ArrayList<>(steps);
        more.add(step);
        return new Deploy(id, kind, service, state, target, previous, color, previousColor, replicas, healthTimeout,
                drainTimeout, more, reason, logTail, createdAt, finishedAt, phases);
    }

    public Deploy withTarget(Version newTarget, Version newPrevious, String newColor, String newPreviousColor,
                             int newReplicas) {
        return new Deploy(id, kind, service, state, newTarget, newPrevious, newColor, newPreviousColor, newReplicas,
                healthTimeout, drainTimeout, steps, reason, logTail, createdAt, finishedAt, phases);
    }

    public Deploy finish(State end, String why, String tail, Instant at) {
        return new Deploy(id, kind, service, end, target, previous, color, previousColor, replicas, healthTimeout,
                drainTimeout, steps, why, tail, createdAt, at, phases);
    }
}
