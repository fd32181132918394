package io.slipway.mirror.jobs;

import java.io.IOException;

/** A destination refused or failed a write; {@link #isTransient()} ones (5xx, 429, broken connection) are retried. */
public class DestinationException extends IOException {

    private final boolean transientFailure;

    public DestinationException(String message, boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    public boolean isTransient() {
        return transientFailure;
    }
}
