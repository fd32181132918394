package io.slipway.samplemodel.model;

import io.quarkus.runtime.StartupEvent;
import io.slipway.samplemodel.config.SampleModelConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Instant;

/** Whether the model has finished "loading": ready once the configured startup delay has passed. */
@ApplicationScoped
public class ModelState {

    private final SampleModelConfig config;
    private final Clock clock;
    private volatile Instant readyAt;

    public ModelState(SampleModelConfig config) {
        this.config = config;
        this.clock = Clock.systemUTC();
        this.readyAt = Instant.now(clock).plus(config.startupDelay());
    }

    void onStart(@Observes StartupEvent event) {
        readyAt = Instant.now(clock).plus(config.startupDelay());
    }

    public boolean ready() {
        return !Instant.now(clock).isBefore(readyAt);
    }
}
