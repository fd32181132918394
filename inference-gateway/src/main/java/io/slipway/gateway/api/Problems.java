package io.slipway.gateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slipway.gateway.error.GatewayError;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.core.Response;

/**
 * RFC 9457 problem details, the one error shape of the gateway: the type, title and status come from
 * {@link GatewayError}, the detail from the failing request. REST resources answer through {@link ApiErrors};
 * the Vert.x routes that run before them ({@link HttpGuards}, {@link SyncInferenceRoute}) through {@link #end}.
 */
public final class Problems {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** The body of every error answer. */
    public record Problem(String type, String title, int status, String detail) {

        public static Problem of(GatewayError error, String detail) {
            return new Problem(error.type().toString(), error.title(), error.status(), detail);
        }
    }

    private Problems() {}

    public static Response response(GatewayError error, String detail) {
        return builder(error, detail).build();
    }

    public static Response.ResponseBuilder builder(GatewayError error, String detail) {
        return Response.status(error.status()).type(MEDIA_TYPE).entity(Problem.of(error, detail));
    }

    /** Ends a Vert.x response with the problem (headers set before, such as Retry-After, are kept). */
    public static void end(RoutingContext context, ObjectMapper json, GatewayError error, String detail) {
        try {
            context.response().setStatusCode(error.status()).putHeader(HttpHeaders.CONTENT_TYPE, MEDIA_TYPE)
                    .end(json.writeValueAsString(Problem.of(error, detail)));
        } catch (JsonProcessingException e) {
            context.fail(e);
        }
    }
}
