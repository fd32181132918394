package io.slipway.gateway.store;

/** The job store could not do what was asked (database down, connection lost...). */
public class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
