package io.slipway.mirror.storage;

import io.quarkus.runtime.StartupEvent;
import io.slipway.mirror.config.MirrorConfig;
import io.slipway.mirror.storage.fs.FilesystemStorage;
import io.slipway.mirror.storage.s3.S3Storage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/** The configured {@link Storage} backend ({@code mirror.storage.type}): the one place that picks it. */
@ApplicationScoped
public class StorageProducer {

    private static final Logger LOG = Logger.getLogger(StorageProducer.class);

    @Produces
    @ApplicationScoped
    Storage storage(MirrorConfig config) {
        return switch (config.storage().type()) {
            case "filesystem" -> {
                FilesystemStorage fs = new FilesystemStorage(Path.of(config.storage().root()));
                fs.sweepTemp(); // before any request: a crash may have left unfinished writes
                yield fs;
            }
            case "s3" -> S3Storage.create(config.storage().s3());
            default -> throw new IllegalStateException("mirror.storage.type must be filesystem or s3, not "
                    + config.storage().type());
        };
    }

    void close(@Disposes Storage storage) {
        if (storage instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debugf("closing %s: %s", storage.describe(), e);
            }
        }
    }

    /** Creates the store at startup, so that a misconfiguration fails the start, not the first pull. */
    void onStart(@Observes StartupEvent event, Storage storage) {
        LOG.infof("storage: %s", storage.describe());
    }
}
