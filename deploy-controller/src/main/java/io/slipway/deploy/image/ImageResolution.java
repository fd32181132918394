package io.slipway.deploy.image;

import io.slipway.deploy.engine.ContainerEngine;
import io.slipway.deploy.engine.ContainerEngine.ImageInfo;
import io.slipway.deploy.engine.ContainerEngine.PullResult;
import io.slipway.deploy.engine.ContainerEngine.RegistryAuth;
import io.slipway.deploy.engine.EngineException;
import io.slipway.deploy.engine.ImageReference;
import io.slipway.deploy.image.MirrorMapping.MirroredImage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Turns the image a deploy asks for into an image on the engine, before anything of the service is touched.
 *
 * <p>With a mirror, a tag is resolved afresh at every deploy: the mirror prefetches the image (so "push
 * {@code :latest}, deploy {@code :latest}" gets the new one, and a cached image still deploys while the upstream is
 * down or rate-limiting), then the engine pulls it from the mirror's published port with the mirror's credentials and
 * tags it with the name asked for. An image built on this engine (a name without a registry and without a repo
 * digest) is deployed as it is; when the mirror cannot supply an image, the engine's own copy is used; an image nobody
 * has fails here. A registry the mirror does not proxy, or no mirror at all,
 * is pulled from directly, only when the engine lacks the image (so no pull ever leaves for Docker Hub by accident).
 */
public final class ImageResolution {

    /** A step of the deploy log ({@code step}, {@code message}). */
    @FunctionalInterface
    public interface Steps {
        void step(String step, String message);
    }

    /**
     * {@code runAs}: what new containers are created from; {@code digest}: {@code <repository>@<digest>} of what was
     * deployed, empty when only the engine's own copy (never pushed anywhere) exists.
     */
    public record Resolved(String runAs, ImageInfo info, String digest) {}

    private final ContainerEngine engine;
    private final Optional<MirrorMapping> mapping;
    private final Optional<MirrorClient> mirror;
    private final Optional<RegistryAuth> auth;
    private final Optional<String> platform;
    private final Duration pullTimeout;
    private final Clock clock;

    public ImageResolution(ContainerEngine engine, Optional<MirrorMapping> mapping, Optional<MirrorClient> mirror,
            Optional<RegistryAuth> auth, Optional<String> platform, Duration pullTimeout, Clock clock) {
        this.engine = engine;
        this.mapping = mapping;
        this.mirror = mirror;
        this.auth = auth;
        this.platform = platform;
        this.pullTimeout = pullTimeout;
        this.clock = clock;
    }

    public Resolved resolve(ImageReference ref, Steps log) {
        if (ref.domain().isEmpty()) {
            // Built on this engine (no registry ever gave it a digest): never looked up on Docker Hub, where a
            // stranger's image could carry the same name.
            Optional<ImageInfo> built = engine.inspectImage(ref.toString()).filter(i -> i.repoDigests().isEmpty());
            if (built.isPresent()) {
                log.step("image", ref + " was built on this engine (no registry has it): " + built.get().id());
                return new Resolved(ref.toString(), built.get(), "");
            }
        }
        Optional<MirroredImage> mirrored = mapping.flatMap(m -> m.map(ref));
        if (mirrored.isPresent() && mirror.isPresent()) {
            return throughMirror(mirrored.get(), log);
        }
        if (mapping.isPresent()) {
            log.step("pull", ref.domain().orElse("docker.io") + " is not an upstream of the mirror; pulling " + ref
                    + " from it directly");
            return direct(ref, log, true);
        }
        return direct(ref, log, false);
    }

    private Resolved throughMirror(MirroredImage image, Steps log) {
        ImageReference ref = image.requested();
        MirrorClient.Prefetched prefetched;
        try {
            prefetched = mirror.orElseThrow().prefetch(image.onMirror(), platform);
        } catch (MirrorException e) {
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
        pull(image.pull(), auth, log);
        String runAs;
        if (ref.tag().isPresent() || ref.digest().isEmpty()) {
            ImageReference named = ImageReference.parse(ref.repository() + ":" + ref.tagOrDefault());
            engine.tagImage(image.pull().toString(), named);
            runAs = named.toString();
        } else {
            runAs = image.pull().toString();
        }
        ImageInfo info = engine.inspectImage(runAs).orElseThrow(() ->
                new ImageUnavailableException("image " + runAs + " is not on the engine after pulling it"));
        log.step("image", ref + " is " + prefetched.digest() + " (image " + info.id() + ")");
        return new Resolved(runAs, info, ref.repository() + "@" + prefetched.digest());
    }

    /** Without the mirror: the engine's copy, pulled only when missing ({@code always}: pulled first anyway). */
    private Resolved direct(ImageReference ref, Steps log, boolean always) {
        Optional<ImageInfo> local = engine.inspectImage(ref.toString());
        if (local.isEmpty() || always) {
            try {
                if (local.isEmpty()) {
                    log.step("pull", "pulling " + ref + " (not on this engine)");
                }
                pull(ref, Optional.empty(), log);
            } catch (EngineException e) {
                if (local.isEmpty()) {
                    throw new ImageUnavailableException("cannot pull image " + ref + ": " + e.getMessage());
                }
                log.step("image", "pull of " + ref + " failed (" + e.getMessage() + "); using the engine's copy");
            }
        }
        ImageInfo info = engine.inspectImage(ref.toString()).orElseThrow(() ->
                new ImageUnavailableException("image " + ref + " is not on the engine after pulling"));
        log.step("image", ref + " is " + info.id());
        return new Resolved(ref.toString(), info, repoDigest(info, ref.repository()));
    }

    private Resolved engineCopy(ImageReference ref, Steps log, String why) {
        ImageInfo info = engine.inspectImage(ref.toString()).orElseThrow(() -> new ImageUnavailableException(
                "image " + ref + " is not available: " + why + ", and this engine has no copy of it"));
        log.step("image", why + "; using the engine's own copy of " + ref + " (" + info.id() + ")");
        return new Resolved(ref.toString(), info, repoDigest(info, ref.repository()));
    }

    private void pull(ImageReference ref, Optional<RegistryAuth> as, Steps log) {
        Instant started = clock.instant();
        PullResult pulled;
        try {
            pulled = engine.pull(ref, as, pullTimeout);
        } catch (EngineException e) {
            if (as.isPresent()) {
                throw new ImageUnavailableException("cannot pull image " + ref + " from the mirror: "
                        + e.getMessage());
            }
            throw e;
        }
        long ms = Duration.between(started, clock.instant()).toMillis();
        log.step("pull", "pulled " + ref + ": " + Bytes.human(pulled.bytesDownloaded()) + " downloaded in " + ms
                + " ms" + (pulled.bytesDownloaded() == 0 ? " (every layer was on the engine)" : ""));
    }

    private static String repoDigest(ImageInfo info, String repository) {
        return info.repoDigests().stream().filter(d -> d.startsWith(repository + "@")).findFirst()
                .or(() -> info.repoDigests().stream().findFirst()).orElse("");
    }
}
