package io.slipway.gateway.api;

import jakarta.ws.rs.core.UriInfo;

/**
 * The address the client used to reach the gateway, as {@code scheme://host:port} without a final slash. Behind
 * nginx it comes from the forwarded headers ({@code quarkus.http.proxy.*}), so links keep the client's scheme, host
 * and port rather than the gateway container's.
 */
final class BaseUrl {

    private BaseUrl() {}

    static String of(UriInfo uri) {
        String base = uri.getBaseUri().toString();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }
}
