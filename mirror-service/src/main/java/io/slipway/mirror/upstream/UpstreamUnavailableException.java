package io.slipway.mirror.upstream;

import java.io.IOException;

/** The upstream could not answer: connection refused, timeout, 429 or a 5xx. Cached content may be served instead. */
public class UpstreamUnavailableException extends IOException {

    private final int status;

    public UpstreamUnavailableException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The upstream's HTTP status, or 0 when none came back. */
    public int status() {
        return status;
    }
}
