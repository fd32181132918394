package io.slipway.gateway.api;

import io.slipway.gateway.error.GatewayError;
import io.slipway.gateway.job.JobRejected;
import io.slipway.gateway.job.QueueFull;
import io.slipway.gateway.store.StoreException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every error of the REST API becomes problem+json here, and only here. Details are written for the client: an
 * exception's own message is shown only when the gateway wrote it ({@link JobRejected}); anything else is logged
 * and answered with a reference to the log line, never with a class name or a stack trace.
 */
public class ApiErrors {

    private static final Logger LOG = Logger.getLogger(ApiErrors.class);

    @ServerExceptionMapper
    public Response rejected(JobRejected e) {
        Response.ResponseBuilder builder = Problems.builder(e.error(), e.getMessage());
        if (e instanceof QueueFull full) {
            builder.header("Retry-After", Long.toString(Math.max(1, full.retryAfter().toSeconds())));
        }
        return builder.build();
    }

    @ServerExceptionMapper
    public Response storeDown(StoreException e) {
        LOG.warn(e.getMessage());
        return Problems.builder(GatewayError.STORE_UNAVAILABLE, "the job store did not answer; nothing was changed")
                .header("Retry-After", "5").build();
    }

    /** Refusals of the HTTP layer itself: no such route, wrong method, wrong media type. */
    @ServerExceptionMapper
    public Response web(WebApplicationException e, HttpServerRequest request) {
        int status = e.getResponse().getStatus();
        GatewayError error = GatewayError.forStatus(status);
        String route = request.method() + " " + request.path();
        String detail = switch (error) {
            case NOT_FOUND -> "nothing answers " + route + "; the API is described at /swagger";
            case METHOD_NOT_ALLOWED -> route + ": the method is not allowed on this path";
            case UNSUPPORTED_MEDIA_TYPE -> route + ": Content-Type '" + request.getHeader(HttpHeaders.CONTENT_TYPE)
                    + "' is not accepted here";
            case NOT_ACCEPTABLE -> route + ": cannot answer in the Accept type '"
                    + request.getHeader(HttpHeaders.ACCEPT) + "'";
            default -> route + ": " + e.getResponse().getStatusInfo().getReasonPhrase();
        };
        Response.ResponseBuilder builder = Response.fromResponse(Problems.response(error, detail)).status(status);
        String allow = e.getResponse().getHeaderString(HttpHeaders.ALLOW);
        if (allow != null) {
            builder.header(HttpHeaders.ALLOW, allow);
        }
        return builder.build();
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        String reference = UUID.randomUUID().toString();
        LOG.errorf(e, "unexpected error %s", reference);
        return Problems.response(GatewayError.INTERNAL,
                "the gateway failed unexpectedly; its log has the cause under reference " + reference);
    }
}
