package io.slipway.deploy.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What every {@link DeployStore} must do; {@link #reopen()} must give a store reading what the last one saved. */
public abstract class DeployStoreContract {

    protected abstract DeployStore store();

    protected abstract DeployStore reopen();

    static Deploy deploy(String id, String service, Instant at) {
        return new Deploy(id, Deploy.Kind.DEPLOY, service, Deploy.State.RUNNING,
                new Deploy.Version("slipway/sample-model:latest", "sha256:1", "", Map.of("A", "1")), null, "blue",
                "none", 1, Duration.ofMinutes(5), Duration.ofSeconds(30), List.of(), null, null, at, null, List.of());
    }

    @Test
    void savesReplacesAndListsNewestFirst() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        store().save(deploy("d-1", "a", t));
        store().save(deploy("d-2", "b", t.plusSeconds(1)));
        Deploy third = deploy("d-3", "a", t.plusSeconds(2));
        store().save(third);
        Deploy done = third.withStep(new Deploy.Step(t.plusSeconds(3), "done", "ok"))
                .finish(Deploy.State.SUCCEEDED, null, null, t.plusSeconds(3));
        store().save(done);

        assertEquals(List.of("d-3", "d-1"), store().list(Optional.of("a")).stream().map(Deploy::id).toList());
        assertEquals(3, store().list(Optional.empty()).size());
        assertEquals(done, store().find("d-3").orElseThrow());
        assertTrue(store().find("d-9").isEmpty());

        DeployStore again = reopen();
        assertEquals(done, again.find("d-3").orElseThrow());
        assertEquals(Duration.ofMinutes(5), again.find("d-1").orElseThrow().healthTimeout());
        assertEquals(List.of("d-3", "d-2", "d-1"), again.list(Optional.empty()).stream().map(Deploy::id).toList());
    }
}
