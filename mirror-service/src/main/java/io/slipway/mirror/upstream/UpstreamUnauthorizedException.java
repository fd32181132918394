package io.slipway.mirror.upstream;

/** The upstream refused our credentials (401 after the token flow, or 403), or its token service did. */
public class UpstreamUnauthorizedException extends UpstreamUnavailableException {

    public UpstreamUnauthorizedException(String message, int status) {
        super(message, status, null);
    }
}
