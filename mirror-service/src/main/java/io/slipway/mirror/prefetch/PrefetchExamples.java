package io.slipway.mirror.prefetch;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** What the OpenAPI document shows for {@code /prefetch}: descriptions, schemas and examples. */
final class PrefetchExamples {

    private PrefetchExamples() {}

    static final String DESCRIPTION = "Fetches each image whole into the cache through the same pull-through path "
            + "as a pull: the tag is resolved (re-validated with the upstream once its TTL has passed), an index "
            + "brings the manifest of `platform` or, without one, of every platform, and every config and layer blob "
            + "is downloaded and verified. Images are named as pulled from this mirror: `dockerhub/library/nginx:1.27` "
            + "(prefix mode), `library/nginx:1.27` (daemon-mirror mode) or a pushed `models/my-model:1.2`; "
            + "`name@sha256:…` pins a digest. Answers once every image is cached; a failed image does not stop the "
            + "others, and the answer is then the first failure's OCI error, its detail naming the image. Pulls "
            + "need no credentials unless `mirror.auth.anonymous-pull=false`.";

    static final String REQUEST = """
            {"images": ["dockerhub/library/nginx:1.27", "models/my-model:1.2"], "platform": "linux/amd64"}""";

    static final String RESULT = """
            {"images": [{"image": "dockerhub/library/nginx:1.27",
              "digest": "sha256:6784fb0834aa7dbbe12e3d7471e69c290df3e6ba810dc38b34ae33d3c1c05f7d",
              "manifests": ["sha256:6784fb0834aa7dbbe12e3d7471e69c290df3e6ba810dc38b34ae33d3c1c05f7d",
                "sha256:fb39280b7b9eba5727c884a3c7810002e69e8f961cc373b89c92f14961d903a0"],
              "platforms": ["linux/amd64"], "blobs": 8, "bytes": 72913201, "blobsFetched": 8,
              "bytesFetched": 72913201, "millis": 2140}]}""";

    static final String INVALID = """
            {"errors": [{"code": "PREFETCH_INVALID", "message": "prefetch request invalid",
              "detail": "platform must be os/architecture[/variant], e.g. linux/amd64; got amd64"}]}""";

    static final String UNKNOWN = """
            {"errors": [{"code": "MANIFEST_UNKNOWN", "message": "manifest unknown to registry",
              "detail": "dockerhub/library/no-such-image:1: dockerhub/library/no-such-image:1"}]}""";

    static final String EVENTS = """
            data:{"type":"manifest","image":"hub/t/app:v1","digest":"sha256:9f86…","cached":false}

            data:{"type":"blob","image":"hub/t/app:v1","digest":"sha256:2c26…","bytes":300000,"cached":false}

            data:{"type":"done","image":"hub/t/app:v1","digest":"sha256:9f86…","result":{…}}

            data:{"type":"end","warmed":1,"failed":0}""";

    static final String SCHEDULE = """
            {"images": ["dockerhub/library/nginx:1.27"], "platform": "linux/amd64", "interval": "PT1H",
             "lastRun": {"startedAt": "2026-12-01T12:00:00Z", "finishedAt": "2026-12-01T12:00:03Z",
               "warmed": [{"image": "dockerhub/library/nginx:1.27", "digest": "sha256:6784…", "blobs": 8,
                 "blobsFetched": 0}], "failed": []}}""";

    @Schema(name = "PrefetchRequest")
    record Request(
            @Schema(description = "images as pulled from this mirror", required = true) List<String> images,
            @Schema(description = "os/architecture[/variant]; none: every platform", example = "linux/amd64")
            String platform) {}

    @Schema(name = "PrefetchResult")
    record Result(List<ImagePrefetched> images) {}
}
