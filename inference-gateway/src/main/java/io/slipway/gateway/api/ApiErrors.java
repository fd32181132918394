package io.slipway.gateway.api;

import io.slipway.gateway.job.JobRejected;
import io.slipway.gateway.job.QueueFull;
import io.slipway.gateway.store.StoreException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error of the API becomes problem+json here, and only here. */
public class ApiErrors {

    private static final Logger LOG = Logger.getLogger(ApiErrors.class);

    @ServerExceptionMapper
    public Response rejected(JobRejected e) {
        Response.ResponseBuilder builder = Problems.builder(e.status(), e.title(), e.getMessage());
        if (e instanceof QueueFull full) {
            builder.header("Retry-After", Long.toString(Math.max(1, full.retryAfter().toSeconds())));
        }
        return builder.build();
    }

    @ServerExceptionMapper
    public Response storeDown(StoreException e) {
        LOG.warn(e.getMessage());
        return Problems.builder(503, "Job store unavailable", "the job store did not answer; nothing was changed")
                .header("Retry-After", "5").build();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        Response.StatusType type = e.getResponse().getStatusInfo();
        return Problems.response(status, type.getReasonPhrase(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("unexpected error", e);
        return Problems.response(500, "Internal error", e.getClass().getSimpleName() + ": " + e.getMessage());
    }
}
