package io.slipway.deploy.rollout;

/** How a service moves from its live color to a new one (label {@code io.slipway.strategy} of its definition). */
interface Strategy {

    /** Runs the deploy to {@code target}; throws {@link DeployFailure} after putting the service back as it was. */
    void run(Rollout rollout, Target target);

    /** The strategy of {@code target}'s service. */
    static Strategy of(Rollout rollout, Target target) {
        return new BlueGreen();
    }
}
