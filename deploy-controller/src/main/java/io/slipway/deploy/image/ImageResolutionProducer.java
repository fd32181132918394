package io.slipway.deploy.image;

import io.slipway.deploy.config.DeployConfig;
import io.slipway.deploy.engine.ContainerEngine;
import io.slipway.deploy.engine.ContainerEngine.RegistryAuth;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Builds the one {@link ImageResolution} from the settings: with the mirror when {@code deploy.mirror} is set. */
@ApplicationScoped
public class ImageResolutionProducer {

    /** A large model image through a slow link still fits; the deploy's health timeout starts after the pull. */
    static final Duration PULL_TIMEOUT = Duration.ofMinutes(30);

    @Produces
    @Singleton
    ImageResolution resolution(ContainerEngine engine, DeployConfig config, Vertx vertx) {
        Optional<MirrorMapping> mapping = config.mirror().filter(m -> !m.isBlank())
                .map(m -> MirrorMapping.of(m, config.mirrorUpstreams().orElse(List.of())));
        Optional<MirrorClient> client = mapping.map(m -> new MirrorApi(vertx,
                URI.create(config.mirrorUrl().orElse("http://" + m.mirrorHost())), Optional.of(config.mirrorUsername()),
                config.mirrorPassword().filter(p -> !p.isEmpty()), PULL_TIMEOUT));
        Optional<RegistryAuth> auth = mapping.flatMap(m -> config.mirrorPassword().filter(p -> !p.isEmpty())
                .map(p -> new RegistryAuth(m.mirrorHost(), config.mirrorUsername(), p)));
        Optional<String> platform = mapping.map(m -> config.mirrorPlatform().orElseGet(
                ImageResolutionProducer::hostPlatform));
        return new ImageResolution(engine, mapping, client, auth, platform, PULL_TIMEOUT, Clock.systemUTC());
    }

    /** The controller runs on the engine's host, so its JVM's architecture is the engine's. */
    static String hostPlatform() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return "linux/" + switch (arch) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> arch;
        };
    }
}
