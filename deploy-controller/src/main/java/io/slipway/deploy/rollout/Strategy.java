package io.slipway.deploy.rollout;

import io.slipway.deploy.model.ModelService;
import io.slipway.deploy.state.Deploy;

/** How a service moves from its live color to a new one (label {@code io.slipway.strategy} of its definition). */
interface Strategy {

    /** Runs the deploy to {@code target}; throws {@link DeployFailure} after putting the service back as it was. */
    void run(Rollout rollout, Target target);

    /**
     * The strategy of {@code target}'s service. The reconciler's starts (nothing runs, nothing to hold for) and
     * services without a label are blue-green.
     */
    static Strategy of(Rollout rollout, Target target) {
        String label = target.definition().template().labels()
                .getOrDefault(ModelService.STRATEGY, ModelService.BLUE_GREEN).trim();
        if (rollout.plan().kind() == Deploy.Kind.RECONCILE) {
            return new BlueGreen();
        }
        return switch (label) {
            case ModelService.STOP_FIRST -> new StopFirst();
            case ModelService.CANARY -> new Canary();
            default -> new BlueGreen();
        };
    }
}
