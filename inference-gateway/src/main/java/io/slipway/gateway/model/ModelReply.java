package io.slipway.gateway.model;

import java.util.Locale;

/** What a model service answered: HTTP status, body and its media type (null when none was sent). */
public record ModelReply(int status, byte[] body, String contentType) {

    public boolean ok() {
        return status >= 200 && status < 300;
    }

    /**
     * True when the answer came from the model itself rather than from nginx in front of it: models answer JSON,
     * nginx answers an HTML error page when no container of the service takes the request.
     */
    public boolean fromModel() {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).contains("json");
    }
}
