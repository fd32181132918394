package io.slipway.mirror.upstream;

/**
 * The upstream could not answer usefully: connection refused, timeout, a 5xx, an unexpected status, or content that
 * failed verification. Cached content may be served instead.
 */
public class UpstreamUnavailableException extends UpstreamException {

    public UpstreamUnavailableException(String message, int status, Throwable cause) {
        super(message, status, cause);
    }
}
