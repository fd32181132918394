package io.slipway.deploy.engine;

/** Any failure talking to the container engine; {@link #notFound()} when the object asked for does not exist. */
public class EngineException extends RuntimeException {

    private final boolean notFound;

    public EngineException(String message, Throwable cause) {
        this(message, cause, false);
    }

    public EngineException(String message, Throwable cause, boolean notFound) {
        super(message, cause);
        this.notFound = notFound;
    }

    public boolean notFound() {
        return notFound;
    }
}
