package io.slipway.gateway.model;

/** No answer from a model service: connection refused/reset, or no answer in time. */
public class ModelUnreachable extends RuntimeException {

    private final boolean timedOut;

    public ModelUnreachable(String message, boolean timedOut, Throwable cause) {
        super(message, cause);
        this.timedOut = timedOut;
    }

    public boolean timedOut() {
        return timedOut;
    }
}
