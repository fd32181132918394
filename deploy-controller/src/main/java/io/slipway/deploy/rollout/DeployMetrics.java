package io.slipway.deploy.rollout;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.slipway.deploy.state.Deploy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Deploy metrics: {@code slipway_deploys_total{service,kind,result}}, {@code slipway_deploy_duration_seconds},
 * {@code slipway_deploy_switch_seconds} (new color healthy to traffic verified on it),
 * {@code slipway_deploy_rollbacks_total{service,trigger}} and {@code slipway_deploy_active_color{service,color}}
 * (1 for the color that takes traffic).
 */
@ApplicationScoped
public class DeployMetrics {

    private static final List<String> COLORS = List.of("blue", "green", "none");

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> colorGauges = new ConcurrentHashMap<>();

    public DeployMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void finished(Deploy deploy, Duration took) {
        String result = deploy.state().name().toLowerCase();
        Counter.builder("slipway.deploys").description("Deploys by result")
                .tags("service", deploy.service(), "kind", deploy.kind().name().toLowerCase(), "result", result)
                .register(registry).increment();
        Timer.builder("slipway.deploy.duration").description("Deploy duration, request to end")
                .tags("service", deploy.service(), "result", result)
                .register(registry).record(took);
        if (deploy.state() == Deploy.State.FAILED) {
            rollback(deploy.service(), "automatic");
        }
    }

    void switched(String service, Duration healthyToVerified) {
        Timer.builder("slipway.deploy.switch").description("New color healthy until all traffic verified on it")
                .tag("service", service).register(registry).record(healthyToVerified);
    }

    void rollback(String service, String trigger) {
        Counter.builder("slipway.deploy.rollbacks").description("Rollbacks (automatic on failure, or asked for)")
                .tags("service", service, "trigger", trigger).register(registry).increment();
    }

    /** Records which color of {@code service} takes traffic. */
    public void activeColor(String service, String color) {
        for (String c : COLORS) {
            colorGauges.computeIfAbsent(service + "/" + c, key -> registry.gauge("slipway.deploy.active.color",
                    io.micrometer.core.instrument.Tags.of("service", service, "color", c), new AtomicInteger()))
                    .set(c.equals(color) ? 1 : 0);
        }
    }
}
