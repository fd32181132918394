package io.slipway.gateway.store;

import io.slipway.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The one job store of this process, chosen by {@code gateway.store.url}. */
@ApplicationScoped
public class JobStoreProducer {

    @Produces
    @Singleton
    JobStore jobStore(GatewayConfig config) {
        GatewayConfig.Store store = config.store();
        return JdbcJobStore.open(store.url(), store.username(), store.password(), store.poolSize());
    }

    void close(@Disposes JobStore store) {
        store.close();
    }
}
