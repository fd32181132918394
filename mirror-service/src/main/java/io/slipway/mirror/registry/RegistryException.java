package io.slipway.mirror.registry;

/** A failure the client caused or must know about; the API layer writes it as an OCI error body. */
public class RegistryException extends RuntimeException {

    private final ErrorCode code;
    private final Object detail;
    private final int status;
    private final java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();

    public RegistryException(ErrorCode code, String message, Object detail) {
        this(code, message, detail, code.status());
    }

    public RegistryException(ErrorCode code, String message, Object detail, int status) {
        super(message);
        this.code = code;
        this.detail = detail;
        this.status = status;
    }

    public ErrorCode code() {
        return code;
    }

    public Object detail() {
        return detail;
    }

    public int status() {
        return status;
    }

    /** Extra response headers, e.g. {@code WWW-Authenticate} for {@link ErrorCode#UNAUTHORIZED}. */
    public RegistryException withHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public java.util.Map<String, String> headers() {
        return headers;
    }

    /** The same error answered with another HTTP status (e.g. 413 for a manifest over the size limit). */
    public RegistryException withStatus(int newStatus) {
        return new RegistryException(code, getMessage(), detail, newStatus);
    }
}
