package io.slipway.mirror.api;

import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/** Headers of the registry API. Every /v2 response says which API it speaks. */
public final class RegistryHeaders {
    public static final String API_VERSION = "Docker-Distribution-API-Version";
    public static final String API_VERSION_VALUE = "registry/2.0";
    public static final String CONTENT_DIGEST = "Docker-Content-Digest";
    public static final String UPLOAD_UUID = "Docker-Upload-UUID";

    public static class Filter {
        @ServerResponseFilter
        public void apiVersion(ContainerResponseContext response) {
            response.getHeaders().putSingle(API_VERSION, API_VERSION_VALUE);
        }
    }
}
