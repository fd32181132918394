package io.slipway.deploy.rollout;

/** How a service moves from its live color to a new one (label {@code io.slipway.strategy}). */
interface Strategy {

    /** Runs the deploy; throws {@link DeployFailure} after putting the service back as it was. */
    void run(Rollout rollout);
}
