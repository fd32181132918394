package io.slipway.deploy.image;

import io.slipway.deploy.config.DeployConfig;
import io.slipway.deploy.engine.ContainerEngine;
import io.slipway.deploy.engine.ContainerEngine.ImageInfo;
import io.slipway.deploy.engine.ContainerEngine.PullResult;
import io.slipway.deploy.engine.ContainerEngine.RegistryAuth;
import io.slipway.deploy.engine.EngineException;
import io.slipway.deploy.engine.ImageReference;
import io.slipway.deploy.image.MirrorMapping.MirroredImage;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Finds the exact image a deploy runs, before anything is touched: the recorded image id when the engine still has it
 * (a rollback, the reconciler), else the named image.
 *
 * <p>With a mirror ({@code deploy.mirror}) a tag is resolved afresh at every deploy: the mirror prefetches the image
 * (so "push {@code :latest}, deploy {@code :latest}" gets the new one, and an image the mirror cached still deploys
 * while its upstream is down or rate-limiting), then the engine pulls it from the mirror's published port with the
 * mirror's credentials ({@link MirrorMapping} says under which name) and tags it with the name asked for. An image
 * built on this engine (a name without a registry and without a repo digest) is deployed as it is; when the mirror
 * cannot supply an image, the engine's own copy is used; an image nobody has fails here. A registry the mirror does
 * not proxy is pulled from directly; without a mirror, an image is pulled only when the engine lacks it (so no pull
 * ever leaves for Docker Hub by accident). Also reads the registry digest recorded next to an image id.
 */
@ApplicationScoped
public class ImageResolver {

    /** A large model image through a slow link still fits; the deploy's health timeout starts after the pull. */
    static final Duration PULL_TIMEOUT = Duration.ofMinutes(30);

    /** Threads the prefetch calls wait on while the deploy's own thread follows the engine's pull. */
    private static final ExecutorService PREFETCHERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "deploy-prefetch");
        t.setDaemon(true);
        return t;
    });

    /** Where the resolver reports what it does (a deploy's log). */
    @FunctionalInterface
    public interface Steps {
        void step(String step, String message);
    }

    /**
     * The image to create containers from ({@code runAs}: an image id or a name), what the engine knows of it and the
     * registry digest that was deployed ({@code sha256:…}; empty for an image only this engine has).
     */
    public record ResolvedImage(String runAs, ImageInfo info, String digest) {}

    /** The image cannot be made available on the engine; nothing was changed. */
    public static final class ImageException extends RuntimeException {
        public ImageException(String message) {
            super(message);
        }
    }

    private final ContainerEngine engine;
    private final Optional<MirrorMapping> mapping;
    private final Optional<MirrorClient> mirror;
    private final Optional<RegistryAuth> auth;
    private final Optional<String> platform;
    private final Clock clock;

    @Inject
    public ImageResolver(ContainerEngine engine, DeployConfig config, Vertx vertx) {
        this(engine, config, mapping(config).map(m -> new MirrorApi(vertx,
                URI.create(config.mirrorUrl().orElse("http://" + m.mirrorHost())),
                Optional.of(config.mirrorUsername()), password(config), PULL_TIMEOUT)), Clock.systemUTC());
    }

    /** Without a mirror client: only for settings without {@code deploy.mirror}. */
    public ImageResolver(ContainerEngine engine, DeployConfig config) {
        this(engine, config, Optional.empty(), Clock.systemUTC());
    }

    public ImageResolver(ContainerEngine engine, DeployConfig config, Optional<MirrorClient> mirror, Clock clock) {
        this.engine = engine;
        this.mapping = mapping(config);
        if (mapping.isPresent() && mirror.isEmpty()) {
            throw new IllegalArgumentException("deploy.mirror is set but there is no mirror client");
        }
        this.mirror = mirror;
        this.auth = mapping.flatMap(m -> password(config)
                .map(p -> new RegistryAuth(m.mirrorHost(), config.mirrorUsername(), p)));
        this.platform = mapping.map(m -> config.mirrorPlatform().orElseGet(ImageResolver::hostPlatform));
        this.clock = clock;
    }

    private static Optional<MirrorMapping> mapping(DeployConfig config) {
        return config.mirror().filter(m -> !m.isBlank())
                .map(m -> MirrorMapping.of(m, config.mirrorUpstreams().orElse(List.of())));
    }

    private static Optional<String> password(DeployConfig config) {
        return config.mirrorPassword().filter(p -> !p.isEmpty());
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

    /** The image {@code ref} (or exactly {@code imageId} when the engine has it); throws {@link ImageException}. */
    public ResolvedImage resolve(ImageReference ref, Optional<String> imageId, Steps steps) {
        if (imageId.isPresent()) {
            Optional<ImageInfo> exact = engine.inspectImage(imageId.get());
            if (exact.isPresent()) {
                steps.step("image", "using recorded image " + imageId.get());
                return new ResolvedImage(imageId.get(), exact.get(), digestOf(exact.get(), ref.repository()));
            }
        }
        return byName(ref, steps);
    }

    private ResolvedImage byName(ImageReference ref, Steps log) {
        if (ref.domain().isEmpty()) {
            // Built on this engine (no registry ever gave it a digest): never looked up on Docker Hub, where a
            // stranger's image could carry the same name.
            Optional<ImageInfo> built = engine.inspectImage(ref.toString()).filter(i -> i.repoDigests().isEmpty());
            if (built.isPresent()) {
                log.step("image", ref + " was built on this engine (no registry has it): " + built.get().id());
                return new ResolvedImage(ref.toString(), built.get(), "");
            }
        }
        Optional<MirroredImage> mirrored = mapping.flatMap(m -> m.map(ref));
        if (mirrored.isPresent()) {
            return throughMirror(mirrored.get(), log);
        }
        if (mapping.isPresent()) {
            log.step("pull", ref.domain().orElse("docker.io") + " is not an upstream of the mirror; pulling " + ref
                    + " from it directly");
            return direct(ref, log, true);
        }
        return direct(ref, log, false);
    }

    /**
     * The prefetch and the engine's pull run at the same time: the engine's blob requests join the mirror's
     * single-flight downloads that the prefetch started, so a cold image crosses the upstream link and the loopback
     * together instead of one after the other. The prefetch's answer decides (an image it cannot have is not taken
     * from the mirror), and both are over before anything of the service is touched.
     */
    private ResolvedImage throughMirror(MirroredImage image, Steps log) {
        ImageReference ref = image.requested();
        CompletableFuture<MirrorClient.Prefetched> prefetching = CompletableFuture.supplyAsync(
                () -> mirror.orElseThrow().prefetch(image.onMirror(), platform), PREFETCHERS);
        Instant started = clock.instant();
        PullResult pulled = null;
        EngineException pullFailure = null;
        try {
            pulled = engine.pull(image.pull(), auth, PULL_TIMEOUT);
        } catch (EngineException e) {
            pullFailure = e;
        }
        long pullMillis = Duration.between(started, clock.instant()).toMillis();
        MirrorClient.Prefetched prefetched;
        try {
            prefetched = prefetching.join();
        } catch (CompletionException c) {
            if (!(c.getCause() instanceof MirrorException e)) {
                throw c;
            }
            return engineCopy(ref, log, switch (e.kind()) {
                case UNKNOWN_IMAGE -> "neither the mirror nor its upstream has " + image.onMirror();
                case UPSTREAM_FAILED -> "the mirror has not cached " + image.onMirror() + " and its upstream failed";
                case UNREACHABLE -> "the mirror does not answer";
                case REFUSED -> "the mirror refused the prefetch";
            } + " (" + e.getMessage() + ")");
        }
        log.step("prefetch", "mirror has " + image.onMirror() + " at " + prefetched.digest() + ": "
                + prefetched.blobs() + " blobs, " + Bytes.human(prefetched.bytes())
                + (prefetched.bytesFetched() > 0 ? ", " + Bytes.human(prefetched.bytesFetched())
                        + " of them fetched from the upstream now" : ", all cached") + " (" + prefetched.millis()
                + " ms)");
        if (pullFailure != null) {
            return engineCopy(ref, log, "the engine could not pull " + image.pull() + " from the mirror ("
                    + pullFailure.getMessage() + ")");
        }
        logPull(image.pull(), pulled, pullMillis, log);
        String runAs;
        if (ref.tag().isPresent() || ref.digest().isEmpty()) {
            ImageReference named = ImageReference.parse(ref.repository() + ":" + ref.tagOrDefault());
            engine.tagImage(image.pull().toString(), named);
            runAs = named.toString();
        } else {
            runAs = image.pull().toString();
        }
        ImageInfo info = engine.inspectImage(runAs).orElseThrow(() ->
                new ImageException("image " + runAs + " is not on the engine after pulling it"));
        // What the engine got (a tag moved between the two requests is recorded as it was pulled).
        String digest = info.repoDigests().stream().filter(d -> d.startsWith(image.pull().repository() + "@"))
                .findFirst().map(d -> d.substring(d.indexOf('@') + 1)).orElse(prefetched.digest());
        log.step("image", ref + " is " + digest + " (image " + info.id() + ")");
        return new ResolvedImage(runAs, info, digest);
    }

    /** Without the mirror: the engine's copy, pulled only when missing ({@code always}: pulled first anyway). */
    private ResolvedImage direct(ImageReference ref, Steps log, boolean always) {
        Optional<ImageInfo> local = engine.inspectImage(ref.toString());
        if (local.isEmpty() || always) {
            try {
                if (local.isEmpty()) {
                    log.step("pull", "pulling " + ref + " (not on this engine)");
                }
                pull(ref, Optional.empty(), log);
            } catch (EngineException e) {
                if (local.isEmpty()) {
                    throw new ImageException("cannot pull image " + ref + ": " + e.getMessage());
                }
                log.step("image", "pull of " + ref + " failed (" + e.getMessage() + "); using the engine's copy");
            }
        }
        ImageInfo info = engine.inspectImage(ref.toString()).orElseThrow(() ->
                new ImageException("image " + ref + " is not on the engine after pulling"));
        log.step("image", ref + " is " + info.id());
        return new ResolvedImage(ref.toString(), info, digestOf(info, ref.repository()));
    }

    private ResolvedImage engineCopy(ImageReference ref, Steps log, String why) {
        ImageInfo info = engine.inspectImage(ref.toString()).orElseThrow(() -> new ImageException(
                "image " + ref + " is not available: " + why + ", and this engine has no copy of it"));
        log.step("image", why + "; using the engine's own copy of " + ref + " (" + info.id() + ")");
        return new ResolvedImage(ref.toString(), info, digestOf(info, ref.repository()));
    }

    private void pull(ImageReference ref, Optional<RegistryAuth> as, Steps log) {
        Instant started = clock.instant();
        PullResult pulled = engine.pull(ref, as, PULL_TIMEOUT);
        logPull(ref, pulled, Duration.between(started, clock.instant()).toMillis(), log);
    }

    private static void logPull(ImageReference ref, PullResult pulled, long ms, Steps log) {
        log.step("pull", "pulled " + ref + ": " + Bytes.human(pulled.bytesDownloaded()) + " downloaded in " + ms
                + " ms" + (pulled.bytesDownloaded() == 0 ? " (every layer was on the engine)" : ""));
    }

    /** The registry digest of the local image {@code imageId} named {@code image}; empty when none is known. */
    public String digestOf(String imageId, String image) {
        return engine.inspectImage(imageId).map(i -> digestOf(i, repositoryOf(image))).orElse("");
    }

    /** The digest of {@code info} in {@code repository} (else its first one); empty when it has none. */
    public static String digestOf(ImageInfo info, String repository) {
        return info.repoDigests().stream().filter(d -> d.startsWith(repository + "@")).findFirst()
                .or(() -> info.repoDigests().stream().findFirst())
                .map(d -> d.substring(d.indexOf('@') + 1)).orElse("");
    }

    private static String repositoryOf(String image) {
        try {
            return ImageReference.parse(image).repository();
        } catch (IllegalArgumentException e) {
            return image;
        }
    }
}
