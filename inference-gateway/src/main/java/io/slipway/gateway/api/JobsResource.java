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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestStreamElementType;

/** The asynchronous jobs API. Every write has been committed to the job store before it is answered. */
@Path("/jobs")
@Tag(name = "Jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobsResource {

    private static final int DEFAULT_PAGE = 50;
    private static final int MAX_PAGE = 500;
    private static final String EXAMPLE_ID = "5b0c2f1e-8d2a-4c55-9a43-2f8e0c1d7a10";

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
    @Operation(summary = "Submit a job", description = "Checks the submission (model, input tensors or mapping, "
            + "webhook, timeout) and stores it; answers 202 once the job store has committed it. Follow "
            + "`Location`, or `links.events` for live status. A retry of a lost answer makes a second job: use "
            + "`PUT /jobs/{id}` for that.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(ref = "Submission"), examples = {
                @ExampleObject(name = "OIP request", value = ApiExamples.SUBMISSION),
                @ExampleObject(name = "any JSON with a mapping", value = ApiExamples.MAPPED_SUBMISSION)}))
    @APIResponse(responseCode = "202", description = "Stored and queued",
            headers = @Header(name = "Location", description = "The job (absolute, under the address the client used)",
                    schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobView.class),
                    examples = @ExampleObject(name = "job", value = ApiExamples.JOB)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "404", ref = "UnknownModel")
    @APIResponse(responseCode = "413", ref = "BodyTooLarge")
    @APIResponse(responseCode = "429", ref = "QueueFull")
    @APIResponse(responseCode = "503", ref = "StoreUnavailable")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response submit(byte[] body, @Context UriInfo uri) {
        return accepted(submissions.submit(Optional.empty(), submissions.parse(body)), uri);
    }

    /** Submits a job under the client's id: 202 the first time, 200 with the same job on every retry. */
    @PUT
    @Path("/{id}")
    @Operation(summary = "Submit a job under your own id (idempotent)", description = "The first PUT stores the job "
            + "(202); a repeat with the same submission answers 200 with the job as it is now, so a client may retry "
            + "until it gets an answer. The same id with a different submission is 409.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(ref = "Submission"), examples = {
                @ExampleObject(name = "OIP request", value = ApiExamples.SUBMISSION),
                @ExampleObject(name = "any JSON with a mapping", value = ApiExamples.MAPPED_SUBMISSION)}))
    @APIResponse(responseCode = "202", description = "Stored and queued",
            headers = @Header(name = "Location", description = "The job (absolute, under the address the client used)",
                    schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobView.class),
                    examples = @ExampleObject(name = "job", value = ApiExamples.JOB)))
    @APIResponse(responseCode = "200", description = "Already stored under this id, the same submission",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobView.class),
                    examples = @ExampleObject(name = "job", value = ApiExamples.JOB)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "404", ref = "UnknownModel")
    @APIResponse(responseCode = "409", description = "The id is taken by a different submission",
            content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(ref = "Problem"),
                    examples = @ExampleObject(name = "job-id-taken", value = "{\"type\": "
                            + "\"https://slipway.dev/problems/job-id-taken\", \"title\": \"Job id taken\", "
                            + "\"status\": 409, \"detail\": \"job 'order-17' exists with a different submission\"}")))
    @APIResponse(responseCode = "413", ref = "BodyTooLarge")
    @APIResponse(responseCode = "429", ref = "QueueFull")
    @APIResponse(responseCode = "503", ref = "StoreUnavailable")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response put(@Parameter(description = "The job's id", example = EXAMPLE_ID)
            @RestPath String id, byte[] body, @Context UriInfo uri) {
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
    @Operation(summary = "Get a job", description = "Its status (queued, running, succeeded, failed, canceled), "
            + "attempts, the last error, times, webhook state and links.")
    @APIResponse(responseCode = "200", description = "The job",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobView.class),
                    examples = @ExampleObject(name = "job", value = ApiExamples.JOB)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "404", ref = "UnknownJob")
    public JobView get(@Parameter(description = "The job's id", example = EXAMPLE_ID)
            @RestPath String id, @Context UriInfo uri) {
        return JobView.of(require(id), BaseUrl.of(uri));
    }

    /** The model's answer (an OIP inference response) of a succeeded job. */
    @GET
    @Path("/{id}/result")
    @Operation(summary = "Get a succeeded job's result", description = "The model's OIP inference response, as "
            + "the model sent it. 409 while the job is queued or running (with Retry-After), and for a failed or "
            + "canceled job (the detail says why).")
    @APIResponse(responseCode = "200", description = "The model's answer", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "InferenceResponse"),
            examples = @ExampleObject(name = "result", value = ApiExamples.RESULT)))
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "404", ref = "UnknownJob")
    @APIResponse(responseCode = "409", ref = "JobConflict")
    public Response result(@Parameter(description = "The job's id", example = EXAMPLE_ID)
            @RestPath String id) {
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
    @Operation(summary = "Follow a job live (server-sent events)", description = "A `text/event-stream`: one "
            + "event with the job (the same JSON as `GET /jobs/{id}`) now, and one after each change of status, "
            + "attempts or webhook state; the stream ends after the event with a finished status. Reconnecting "
            + "starts again with the job as it is.")
    @APIResponse(responseCode = "200", description = "The stream of the job's changes", content = @Content(
            mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(implementation = JobView.class),
            examples = @ExampleObject(name = "a job that ran", value = ApiExamples.EVENTS)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "404", ref = "UnknownJob")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Blocking
    public Multi<JobView> events(@Parameter(description = "The job's id", example = EXAMPLE_ID)
            @RestPath String id, @Context UriInfo uri) {
        require(id);
        return events.follow(id, BaseUrl.of(uri));
    }

    @POST
    @Path("/{id}/cancel")
    @Operation(summary = "Cancel a job", description = "A queued job will not run; a running one is stopped (its "
            + "model call is abandoned). 409 when the job had already finished.")
    @APIResponse(responseCode = "200", description = "The canceled job",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobView.class),
                    examples = @ExampleObject(name = "job", value = ApiExamples.JOB)))
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "404", ref = "UnknownJob")
    @APIResponse(responseCode = "409", ref = "JobConflict")
    public JobView cancel(@Parameter(description = "The job's id", example = EXAMPLE_ID)
            @RestPath String id, @Context UriInfo uri) {
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
    @Operation(summary = "List jobs", description = "Newest first, optionally of one model and/or status; "
            + "`next` is the link to the following page (absent on the last).")
    @APIResponse(responseCode = "200", description = "A page of jobs", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "page",
                    value = ApiExamples.JOB_PAGE)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    public Map<String, Object> list(@Parameter(description = "Only jobs of this model") @RestQuery String model,
            @Parameter(description = "Only jobs with this status: queued, running, succeeded, failed or canceled")
            @RestQuery String status,
            @Parameter(description = "Jobs per page, 1..500 (default 50)") @RestQuery Integer limit,
            @Parameter(description = "From the `next` link of the previous page") @RestQuery String cursor,
            @Context UriInfo uri) {
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
