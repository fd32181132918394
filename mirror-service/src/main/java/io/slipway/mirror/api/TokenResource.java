package io.slipway.mirror.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.Map;

/** The token endpoint named in the mirror's Bearer challenge (Docker's token flow); basic credentials optional. */
@Path("/auth/token")
public class TokenResource {

    private final RegistryAccess access;

    public TokenResource(RegistryAccess access) {
        this.access = access;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> token(@HeaderParam("Authorization") String authorization) {
        String token = access.issueToken(authorization);
        return Map.of("token", token, "access_token", token, "expires_in", RegistryAccess.TOKEN_SECONDS,
                "issued_at", Instant.now().toString());
    }
}
