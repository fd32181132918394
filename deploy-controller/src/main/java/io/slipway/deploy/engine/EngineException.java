package io.slipway.deploy.engine;

/** Any failure talking to the container engine. */
public class EngineException extends RuntimeException {

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
