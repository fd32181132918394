package io.slipway.deploy.fakes;

import io.slipway.deploy.state.Deploy;
import io.slipway.deploy.state.DeployStore;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@link DeployStore} in memory (the file store has its own contract test). */
public final class FakeDeployStore implements DeployStore {

    private final Map<String, Deploy> deploys = new ConcurrentHashMap<>();

    @Override
    public void save(Deploy deploy) {
        deploys.put(deploy.id(), deploy);
    }

    @Override
    public Optional<Deploy> find(String id) {
        return Optional.ofNullable(deploys.get(id));
    }

    @Override
    public List<Deploy> list(Optional<String> service) {
        return deploys.values().stream().filter(d -> service.isEmpty() || service.get().equals(d.service()))
                .sorted(Comparator.comparing(Deploy::createdAt).thenComparing(Deploy::id).reversed()).toList();
    }
}
