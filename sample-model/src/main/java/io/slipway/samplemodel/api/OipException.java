package io.slipway.samplemodel.api;

/** A request the model refuses; answered as {@code {"error": message}} with the given HTTP status. */
public class OipException extends RuntimeException {

    private final int status;

    public OipException(int status, String message) {
        super(message);
        this.status = status;
    }

    public static OipException badRequest(String message) {
        return new OipException(400, message);
    }

    public int status() {
        return status;
    }
}
