package io.slipway.mirror.upstream;

/** The upstream answered that the manifest or blob does not exist (404). */
public class UpstreamNotFoundException extends UpstreamException {

    public UpstreamNotFoundException(String message) {
        super(message, 404, null);
    }
}
