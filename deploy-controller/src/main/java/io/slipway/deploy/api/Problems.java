package io.slipway.deploy.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.slipway.deploy.rollout.DeployError;
import io.slipway.deploy.rollout.DeployException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The one place errors become HTTP answers: RFC 9457 problem+json with the code declared in {@link DeployError}. */
public class Problems {

    public static final String PROBLEM_JSON = "application/problem+json";
    private static final String TYPE_BASE = "https://slipway.dev/problems/";

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Problem(String type, String title, int status, String detail, Object deploy) {}

    public static Response of(DeployError error, String detail, Object deploy) {
        Response.ResponseBuilder r = Response.status(error.status())
                .type(PROBLEM_JSON)
                .entity(new Problem(TYPE_BASE + error.code(), error.title(), error.status(), detail, deploy));
        if (error == DeployError.UNAUTHORIZED) {
            r.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"slipway\"");
        }
        return r.build();
    }

    @ServerExceptionMapper
    public Response deploy(DeployException e) {
        return of(e.error(), e.getMessage(), e.deploy());
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return of(DeployError.BAD_REQUEST, "body is not valid JSON for this endpoint: " + e.getOriginalMessage(), null);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        DeployError error = switch (status) {
            case 400, 415 -> DeployError.BAD_REQUEST;
            case 401 -> DeployError.UNAUTHORIZED;
            case 404, 405 -> DeployError.NOT_FOUND;
            default -> null;
        };
        if (error == null) {
            return e.getResponse();
        }
        return Response.fromResponse(of(error, e.getMessage(), null)).status(status).build();
    }
}
