package io.slipway.gateway.api;

import io.slipway.gateway.error.GatewayError;
import io.slipway.gateway.events.JobEvents;
import io.slipway.gateway.job.Job;
import io.slipway.gateway.job.JobCursor;
import io.slipway.gateway.job.JobPage;
import io.slipway.gateway.job.JobQuery;
import io.slipway.gateway.job.JobRejected;
import io.slipway.gateway.job.JobStatus;
import io.slipway.gateway.job.JobView;
import io.slipway.gateway.model.ModelNames;
import io.slipway.gateway.store.JobStore;
import io.slipway.gateway.worker.Dispatcher;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestStreamElementType;

/** The asynchronous jobs API. Every write has been committed to the job store before it is answered. */
@Path("/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobsResource {

    private static final int DEFAULT_PAGE = 50;
    private static final int MAX_PAGE = 500;

    private final JobSubmissions submissions;
    private final JobStore store;
    private final Dispatcher dispatcher;
    private final JobEvents events;

    public JobsResource(JobSubmissions submissions, JobStore store, Dispatcher dispatcher, JobEvents events) {
        this.submissions = submissions;
        this.store = store;
        this.dispatcher = dispatcher;
        this.events = events;
    }

    /** Submits a job under a new id: 202 once it is stored. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response submit(byte[] body, @Context UriInfo uri) {
        return accepted(submissions.submit(Optional.empty(), submissions.parse(body)), uri);
    }

    /** Submits a job under the client's id: 202 the first time, 200 with the same job on every retry. */
    @PUT
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response put(@RestPath String id, byte[] body, @Context UriInfo uri) {
        JobSubmissions.requireJobId(id);
        JobStore.Submission submission = submissions.submit(Optional.of(id), submissions.parse(body));
        if (submission.created()) {
            return accepted(submission, uri);
        }
        if (!submission.sameRequest()) {
            throw new JobRejected(GatewayError.JOB_ID_TAKEN, "job '" + id + "' exists with a different submission");
        }
        return Response.ok(JobView.of(submission.job(), BaseUrl.of(uri))).build();
    }

    @GET
    @Path("/{id}")
    public JobView get(@RestPath String id, @Context UriInfo uri) {
        return JobView.of(require(id), BaseUrl.of(uri));
    }

    /** The model's answer (an OIP inference response) of a succeeded job. */
    @GET
    @Path("/{id}/result")
    public Response result(@RestPath String id) {
        Job job = require(id);
        if (job.status() == JobStatus.SUCCEEDED) {
            Optional<String> result = store.result(id);
            if (result.isPresent()) {
                return Response.ok(result.get(), MediaType.APPLICATION_JSON).build();
            }
        }
        if (!job.status().finished()) {
            return Problems.builder(GatewayError.JOB_NOT_FINISHED, "job '" + id + "' is " + job.status().wire())
                    .header("Retry-After", "1").build();
        }
        return Problems.response(GatewayError.JOB_HAS_NO_RESULT, "job '" + id + "' is " + job.status().wire()
                + (job.error() == null ? "" : ": " + job.error()));
    }

    /**
     * Server-sent events: the job as JSON now and after each change, until it is finished; then the stream ends.
     * Checked before the stream starts, so an unknown job is a plain 404 problem.
     */
    @GET
    @Path("/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Blocking
    public Multi<JobView> events(@RestPath String id, @Context UriInfo uri) {
        require(id);
        return events.follow(id, BaseUrl.of(uri));
    }

    @POST
    @Path("/{id}/cancel")
    public JobView cancel(@RestPath String id, @Context UriInfo uri) {
        JobSubmissions.requireJobId(id);
        Job job = store.cancel(id, Instant.now()).orElseThrow(() -> unknown(id));
        if (job.status() != JobStatus.CANCELED) {
            throw new JobRejected(GatewayError.JOB_ALREADY_FINISHED, "job '" + id + "' is " + job.status().wire());
        }
        dispatcher.abort(id);
        return JobView.of(job, BaseUrl.of(uri));
    }

    /** Jobs, newest first, optionally of one model and/or status; {@code next} links the following page. */
    @GET
    public Map<String, Object> list(@RestQuery String model, @RestQuery String status, @RestQuery Integer limit,
            @RestQuery String cursor, @Context UriInfo uri) {
        if (model != null) {
            ModelNames.requireValid(model);
        }
        Optional<JobStatus> wanted = Optional.ofNullable(status).map(s -> JobStatus.parse(s).orElseThrow(() ->
                new JobRejected(GatewayError.INVALID_QUERY, "status is one of queued, running, succeeded, failed, "
                        + "canceled; got '" + s + "'")));
        int size = limit == null ? DEFAULT_PAGE : limit;
        if (size < 1 || size > MAX_PAGE) {
            throw new JobRejected(GatewayError.INVALID_QUERY, "limit must be 1.." + MAX_PAGE + ", got " + size);
        }
        Optional<JobCursor> after = Optional.ofNullable(cursor).map(c -> JobCursor.decode(c).orElseThrow(() ->
                new JobRejected(GatewayError.INVALID_QUERY, "cursor: use the 'next' link of the previous page")));
        JobPage page = store.list(new JobQuery(Optional.ofNullable(model), wanted, size, after));
        Map<String, Object> body = new LinkedHashMap<>();
        String base = BaseUrl.of(uri);
        body.put("jobs", page.jobs().stream().map(job -> JobView.of(job, base)).toList());
        page.next().ifPresent(next -> body.put("next", base + "/jobs?limit=" + size
                + (model == null ? "" : "&model=" + encode(model))
                + (status == null ? "" : "&status=" + encode(status))
                + "&cursor=" + next.encode()));
        return body;
    }

    static Response accepted(JobStore.Submission submission, UriInfo uri) {
        JobView view = JobView.of(submission.job(), BaseUrl.of(uri));
        return Response.accepted(view).location(URI.create(view.links().get("self"))).build();
    }

    private Job require(String id) {
        JobSubmissions.requireJobId(id);
        return store.find(id).orElseThrow(() -> unknown(id));
    }

    private static JobRejected unknown(String id) {
        return new JobRejected(GatewayError.UNKNOWN_JOB, "no job '" + id + "' (never submitted, or expired)");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
