package io.slipway.deploy.rollout;

import io.slipway.deploy.hold.RequestHold;
import io.slipway.deploy.proxy.ProxyException;
import io.slipway.deploy.proxy.Route;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pause and resume of a service's traffic: paused, its requests are held at the front as in a stop-first deploy
 * (503 with Retry-After past the hold timeout), and no deploy or repair touches it; resumed, the held requests go to
 * the color that served before and nginx routes to it again.
 */
@ApplicationScoped
public class TrafficPause {

    /** What a pause or resume did: the service, the color held for, and (on resume) what was held. */
    public record PauseState(String service, boolean paused, String color, RequestHold.Held held) {}

    private final DeployContext context;
    private final Deployer deployer;
    /** Paused service → the route to go back to. */
    private final Map<String, Route> routes = new ConcurrentHashMap<>();

    public TrafficPause(DeployContext context, Deployer deployer) {
        this.context = context;
        this.deployer = deployer;
    }

    public PauseState pause(String service) {
        if (routes.containsKey(service)) {
            throw DeployError.SERVICE_PAUSED.because(service + " is paused already");
        }
        Route live = context.proxy().current(service).filter(r -> !Route.HOLD.equals(r.color()))
                .orElseThrow(() -> DeployError.NOT_FOUND.because("nginx has no route for " + service));
        if (!deployer.pauseIfIdle(service)) {
            throw DeployError.DEPLOY_RUNNING.because(service + " is being deployed or repaired; retry when it has finished");
        }
        try {
            context.hold().hold(service);
            context.proxy().apply(context.hold().route(service, "pause"));
        } catch (ProxyException e) {
            context.hold().end(service);
            deployer.unpause(service);
            throw DeployError.UNAVAILABLE.because("nginx did not take the hold route: " + e.getMessage());
        }
        routes.put(service, live);
        return new PauseState(service, true, live.color(), null);
    }

    public PauseState resume(String service) {
        Route previous = routes.get(service);
        if (previous == null) {
            throw DeployError.NOT_PAUSED.because(service + " is not paused");
        }
        context.hold().release(service, previous.backends());
        try {
            context.proxy().apply(previous);
        } catch (ProxyException e) {
            // Still paused: the held requests go on to the previous color through the hold.
            throw DeployError.UNAVAILABLE.because("nginx did not take the route back to " + previous.color() + ": "
                    + e.getMessage() + "; retry the resume");
        }
        // At once: what older nginx workers still send to the hold goes on to the previous color (RequestHold#end).
        RequestHold.Held held = context.hold().end(service);
        routes.remove(service);
        deployer.unpause(service);
        return new PauseState(service, false, previous.color(), held);
    }
}
