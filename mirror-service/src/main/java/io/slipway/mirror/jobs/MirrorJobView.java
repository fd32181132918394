package io.slipway.mirror.jobs;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A mirror job as {@code GET /mirror-jobs/{id}} and its events show it, and as its record on disk keeps it. */
@Schema(description = "A mirror job: state, progress per image, and the rewritten references.")
public record MirrorJobView(
        @Schema(example = "5f0c…") String id,
        @Schema(enumeration = {"queued", "running", "succeeded", "failed"}) String state,
        Instant created, Instant started, Instant finished,
        @Schema(description = "Where the images go (no credentials)", example = "ecr 123456789012/eu-west-1")
        String destination,
        List<Image> images,
        @Schema(description = "Every rewritten reference of the images copied so far, ready to paste into config",
                example = "[\"123456789012.dkr.ecr.eu-west-1.amazonaws.com/library/nginx:1.27\"]")
        List<String> references,
        @Schema(description = "Why the job failed, when it did") String error) {

    @JsonIgnore
    public boolean done() {
        return state.equals("succeeded") || state.equals("failed");
    }

    /** Progress of one image: manifests and blobs copied or found at the destination already, bytes sent. */
    public record Image(
            @Schema(example = "docker.io/library/nginx:1.27") String source,
            @Schema(enumeration = {"queued", "copying", "succeeded", "failed"}) String state,
            @Schema(description = "Digest of the source manifest (an index for multi-arch images)") String digest,
            int manifestsCopied, int manifestsSkipped,
            @Schema(description = "Blobs looked at (config and layers of every platform copied)") int blobs,
            int blobsCopied,
            @Schema(description = "Blobs the destination had already (HEAD)") int blobsSkipped,
            @Schema(description = "Blobs mounted from another repository of the destination") int blobsMounted,
            long bytes, long bytesCopied, int retries,
            List<String> references, String error) {}
}
