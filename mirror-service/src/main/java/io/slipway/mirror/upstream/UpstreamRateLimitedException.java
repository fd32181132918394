package io.slipway.mirror.upstream;

/** The upstream answered 429 (Docker Hub's pull limit): the client should come back later. */
public class UpstreamRateLimitedException extends UpstreamUnavailableException {

    public UpstreamRateLimitedException(String message) {
        super(message, 429, null);
    }
}
