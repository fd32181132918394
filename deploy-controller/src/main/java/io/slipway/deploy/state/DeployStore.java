package io.slipway.deploy.state;

import java.util.List;
import java.util.Optional;

/** The deploy history. A saved deploy survives a crash of the controller (kill -9) right after {@link #save}. */
public interface DeployStore {

    /** Inserts or replaces the deploy with this id. */
    void save(Deploy deploy);

    Optional<Deploy> find(String id);

    /** Deploys of {@code service} (all services when empty), newest first. */
    List<Deploy> list(Optional<String> service);
}
