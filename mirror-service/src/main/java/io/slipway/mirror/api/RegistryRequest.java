package io.slipway.mirror.api;

import io.slipway.mirror.registry.ErrorCode;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;

/** What the per-resource handlers read from a request: headers, query parameters, the base URI (for challenges). */
public record RegistryRequest(HttpHeaders headers, UriInfo uri) {

    public String header(String name) {
        return headers.getHeaderString(name);
    }

    public String authorization() {
        return header("Authorization");
    }

    public URI base() {
        return uri.getBaseUri();
    }

    public String query(String name) {
        return uri.getQueryParameters().getFirst(name);
    }

    /** A numeric query parameter; null when absent; PAGINATION_NUMBER_INVALID when not a number. */
    public Integer intQuery(String name) {
        String v = query(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw ErrorCode.PAGINATION_NUMBER_INVALID.exception(name + " must be a number: " + v);
        }
    }
}
