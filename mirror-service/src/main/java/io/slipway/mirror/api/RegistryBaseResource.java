package io.slipway.mirror.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** {@code GET /v2/}: tells Docker and OCI clients that this is a registry speaking API v2. */
@Path("/v2/")
public class RegistryBaseResource {

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response base() {
        return Response.ok("{}").header("Docker-Distribution-API-Version", "registry/2.0").build();
    }
}
