package io.slipway.deploy.image;

import io.slipway.deploy.config.DeployConfig;
import io.slipway.deploy.engine.ContainerEngine;
import io.slipway.deploy.engine.ContainerEngine.ImageInfo;
import io.slipway.deploy.engine.EngineException;
import io.slipway.deploy.engine.ImageReference;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;

/**
 * Finds the exact image a deploy runs, before anything is touched: the recorded image id when the engine still has it
 * (a rollback), else the named image, pulled through the mirror ({@code deploy.mirror}) or, without one, only when the
 * engine lacks it. Also reads the registry digest recorded next to an image id.
 */
@ApplicationScoped
public class ImageResolver {

    static final Duration PULL_TIMEOUT = Duration.ofMinutes(30);

    /** Where the resolver reports what it does (a deploy's log). */
    @FunctionalInterface
    public interface Steps {
        void step(String step, String message);
    }

    /** The image to create containers from ({@code runAs}: an image id or a name) and what the engine knows of it. */
    public record ResolvedImage(String runAs, ImageInfo info) {}

    /** The image cannot be made available on the engine; nothing was changed. */
    public static final class ImageException extends RuntimeException {
        public ImageException(String message) {
            super(message);
        }
    }

    private final ContainerEngine engine;
    private final DeployConfig config;

    public ImageResolver(ContainerEngine engine, DeployConfig config) {
        this.engine = engine;
        this.config = config;
    }

    /** The image {@code ref} (or exactly {@code imageId} when the engine has it); throws {@link ImageException}. */
    public ResolvedImage resolve(ImageReference ref, Optional<String> imageId, Steps steps) {
        if (imageId.isPresent()) {
            Optional<ImageInfo> exact = engine.inspectImage(imageId.get());
            if (exact.isPresent()) {
                steps.step("image", "using recorded image " + imageId.get());
                return new ResolvedImage(imageId.get(), exact.get());
            }
        }
        try {
            if (config.mirror().isPresent()) {
                ImageReference mirrored = ref.throughMirror(config.mirror().get());
                steps.step("pull", "pulling " + mirrored + " through the mirror");
                engine.pullImage(mirrored, PULL_TIMEOUT);
                engine.tagImage(mirrored.toString(), ref);
            } else if (engine.inspectImage(ref.toString()).isEmpty()) {
                steps.step("pull", "pulling " + ref + " (not on this engine)");
                engine.pullImage(ref, PULL_TIMEOUT);
            }
        } catch (EngineException e) {
            throw new ImageException("cannot pull image " + ref + ": " + e.getMessage());
        }
        ImageInfo info = engine.inspectImage(ref.toString())
                .orElseThrow(() -> new ImageException("image " + ref + " is not on the engine after pulling"));
        steps.step("image", ref + " is " + info.id());
        return new ResolvedImage(ref.toString(), info);
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
