package io.slipway.mirror.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The token endpoint named in the mirror's Bearer challenge (Docker's token flow); basic credentials optional. */
@Path("/auth/token")
@Tag(name = "Auth")
public class TokenResource {

    private final RegistryAccess access;

    public TokenResource(RegistryAccess access) {
        this.access = access;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Get a bearer token", description = "Docker's token flow: the realm of the mirror's 401 "
            + "challenge. With the pull or push user's basic credentials the token carries that user's rights; "
            + "without credentials, an anonymous pull token where anonymous pulls are allowed. Send it as "
            + "Authorization: Bearer <token> until expires_in seconds have passed.")
    @APIResponse(responseCode = "200", description = "The token", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "token", value = """
                    {"token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzbGlwd2F5In0.c2lnbmF0dXJl",
                     "access_token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzbGlwd2F5In0.c2lnbmF0dXJl",
                     "expires_in": 300, "issued_at": "2026-12-01T12:00:00Z"}""")))
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    public Map<String, Object> token(@HeaderParam("Authorization") String authorization) {
        String token = access.issueToken(authorization);
        return Map.of("token", token, "access_token", token, "expires_in", RegistryAccess.TOKEN_SECONDS,
                "issued_at", Instant.now().toString());
    }
}
