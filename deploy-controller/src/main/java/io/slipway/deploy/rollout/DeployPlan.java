package io.slipway.deploy.rollout;

import io.slipway.deploy.engine.ImageReference;
import io.slipway.deploy.state.Deploy;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A validated deploy: only built by {@link DeployRequests} (or by a rollback from a recorded version), so every field
 * is known to be safe to put into container names, labels and the nginx config.
 *
 * @param env         variables set on top of the service's current env (ignored when {@code replaceEnv} is set)
 * @param replaceEnv  the complete service env to run with (a rollback restores the recorded one)
 * @param imageId     the exact image to run (a rollback runs the recorded image id, whatever its tag points to now)
 */
public record DeployPlan(Deploy.Kind kind, String service, ImageReference image, Optional<String> imageId,
                         Optional<Integer> replicas, Duration healthTimeout, Duration drainTimeout,
                         Map<String, String> env, Optional<Map<String, String>> replaceEnv) {

    public DeployPlan {
        env = Map.copyOf(env);
    }
}
