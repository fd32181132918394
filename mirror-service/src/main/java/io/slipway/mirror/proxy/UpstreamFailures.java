package io.slipway.mirror.proxy;

import io.slipway.mirror.registry.ErrorCode;
import io.slipway.mirror.registry.RegistryException;
import io.slipway.mirror.upstream.UpstreamException;
import io.slipway.mirror.upstream.UpstreamNotFoundException;
import io.slipway.mirror.upstream.UpstreamRateLimitedException;
import io.slipway.mirror.upstream.UpstreamUnauthorizedException;

/** Upstream failures as registry errors, in one place: by failure kind, never by HTTP status. */
final class UpstreamFailures {

    private UpstreamFailures() {}

    /** {@code notFound} is what a missing thing is called here: MANIFEST_UNKNOWN or BLOB_UNKNOWN. */
    static RegistryException toRegistry(UpstreamException e, ErrorCode notFound, String what) {
        if (e instanceof UpstreamNotFoundException) {
            return notFound.exception(what);
        }
        if (e instanceof UpstreamRateLimitedException) {
            return ErrorCode.TOOMANYREQUESTS.exception(e.getMessage());
        }
        if (e instanceof UpstreamUnauthorizedException) {
            return ErrorCode.DENIED.exception(e.getMessage());
        }
        return ErrorCode.UNAVAILABLE.exception(e.getMessage());
    }
}
