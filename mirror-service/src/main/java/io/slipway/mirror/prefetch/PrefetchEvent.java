package io.slipway.mirror.prefetch;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One step of a prefetch, as streamed to a client that asked for {@code text/event-stream}: a manifest or blob now
 * in the cache ({@code cached}: it already was, nothing was fetched), an image done (with its result) or failed
 * (with the OCI error code and detail); last, {@code end} with the counts and the first failure's code.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PrefetchEvent(String type, String image, String digest, Long bytes, Boolean cached,
        ImagePrefetched result, String code, String detail, Integer warmed, Integer failed) {

    public static PrefetchEvent manifest(String image, String digest, boolean cached) {
        return new PrefetchEvent("manifest", image, digest, null, cached, null, null, null, null, null);
    }

    public static PrefetchEvent blob(String image, String digest, long bytes, boolean cached) {
        return new PrefetchEvent("blob", image, digest, bytes, cached, null, null, null, null, null);
    }

    public static PrefetchEvent done(ImagePrefetched result) {
        return new PrefetchEvent("done", result.image(), result.digest(), null, null, result, null, null, null,
                null);
    }

    public static PrefetchEvent end(int warmed, int failed, String firstFailure) {
        return new PrefetchEvent("end", null, null, null, null, null, firstFailure, null, warmed, failed);
    }

    public static PrefetchEvent failed(String image, String code, String detail) {
        return new PrefetchEvent("failed", image, null, null, null, null, code, detail, null, null);
    }
}
