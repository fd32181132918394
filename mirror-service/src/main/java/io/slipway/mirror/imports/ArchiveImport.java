package io.slipway.mirror.imports;

import io.slipway.mirror.config.MirrorConfig;
import io.slipway.mirror.registry.BlobStore;
import io.slipway.mirror.registry.BlobWriteObserver;
import io.slipway.mirror.registry.ManifestReference;
import io.slipway.mirror.registry.ManifestStore;
import io.slipway.mirror.registry.RepositoryName;
import io.slipway.mirror.registry.StoredManifest;
import io.slipway.mirror.registry.Tag;
import io.slipway.mirror.storage.Storage;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Imports a {@code docker save} archive or an OCI image-layout tar: stage (stream, hash) → plan (verify every digest
 * and reference) → store (blobs, then manifests, children first). A bad archive fails in the first two steps, before
 * the store is touched; the archive is never held in memory, whatever its size.
 */
@ApplicationScoped
public class ArchiveImport {

    private static final Logger LOG = Logger.getLogger(ArchiveImport.class);

    private final BlobStore blobs;
    private final ManifestStore manifests;
    private final Path stagingRoot;

    public ArchiveImport(BlobStore blobs, ManifestStore manifests, Storage storage, MirrorConfig config) {
        this.blobs = blobs;
        this.manifests = manifests;
        this.stagingRoot = config.imports().stagingDir().filter(s -> !s.isBlank()).map(Path::of)
                .or(storage::localStagingDir)
                .orElseGet(() -> Path.of(System.getProperty("java.io.tmpdir"), "slipway-imports"));
    }

    /**
     * @param repositoryCheck called with each repository the archive will write to, before anything is stored
     *     (the caller's push permission)
     */
    public List<ImportedImage> importArchive(InputStream archive, Optional<RepositoryName> repository,
            Optional<Tag> tag, String host, java.util.function.Consumer<RepositoryName> repositoryCheck)
            throws IOException {
        try (StagedArchive staged = ArchiveReader.stage(archive, stagingRoot)) {
            List<ImagePlan> plans = new ImageArchive(staged).plan(repository, tag);
            plans.forEach(p -> repositoryCheck.accept(p.repository()));
            List<ImportedImage> created = new ArrayList<>();
            for (ImagePlan plan : plans) {
                created.add(store(staged, plan, host));
            }
            return created;
        }
    }

    private ImportedImage store(StagedArchive staged, ImagePlan plan, String host) throws IOException {
        for (ImagePlan.Blob blob : plan.blobs()) {
            // Hashed while it was staged: on the filesystem store it is renamed into place, elsewhere copied.
            if (!blobs.adoptVerified(blob.entry().file(), blob.digest())) {
                try (InputStream in = staged.open(blob.entry())) {
                    blobs.writeVerified(in, blob.digest(), blob.entry().size(), BlobWriteObserver.NONE);
                }
            }
            blobs.link(plan.repository(), blob.digest());
        }
        StoredManifest top = null;
        ImagePlan.Manifest topPlan = null;
        for (ImagePlan.Manifest m : plan.manifests()) {
            ManifestReference ref = m.tag() != null ? new ManifestReference(m.tag(), null)
                    : new ManifestReference(null, io.slipway.mirror.registry.Digest.sha256(m.content()));
            top = manifests.put(plan.repository(), ref, m.mediaType(), m.content(), true);
            topPlan = m;
        }
        String tag = topPlan.tag().value();
        LOG.infof("imported %s:%s (%s, %d layers, %d bytes)", plan.repository(), tag, top.digest(),
                topPlan.layers(), topPlan.bytes());
        return new ImportedImage(host + "/" + plan.repository() + ":" + tag, plan.repository().value(), tag,
                top.digest().toString(), topPlan.layers(), topPlan.bytes());
    }
}
