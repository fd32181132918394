package io.slipway.mirror.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.slipway.mirror.api.OciErrorMapper;
import io.slipway.mirror.api.RegistryAccess;
import io.slipway.mirror.registry.ErrorCode;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * {@code /mirror-jobs}: copy lists of images (multi-arch indexes with all their platforms, or some) into this mirror,
 * any OCI registry or AWS ECR, with progress per image and the rewritten references as the result. Needs the push
 * user; errors are OCI error bodies.
 */
@Path("/mirror-jobs")
@Tag(name = "Mirror jobs")
public class MirrorJobResource {

    private static final Duration EVENT_POLL = Duration.ofMillis(250);
    private static final String OCI_ERROR = "{\"errors\":[{\"code\":\"MIRROR_JOB_INVALID\",\"message\":"
            + "\"mirror job invalid\",\"detail\":\"destination.region: an AWS region, e.g. eu-west-1\"}]}";
    private static final String UNKNOWN = "{\"errors\":[{\"code\":\"MIRROR_JOB_UNKNOWN\",\"message\":"
            + "\"mirror job unknown\",\"detail\":\"no mirror job 0b6f6c9e-3f43-4a4e-9d0e-6d1c1f0f9a11\"}]}";
    private static final String REQUEST = "{\"images\":[\"nginx:1.27\",\"ghcr.io/acme/model:2.1\"],"
            + "\"extraTags\":[\"prod\"],\"destination\":{\"type\":\"ecr\",\"account\":\"123456789012\","
            + "\"region\":\"eu-west-1\"}}";
    private static final String JOB = "{\"id\":\"0b6f6c9e-3f43-4a4e-9d0e-6d1c1f0f9a11\",\"state\":\"succeeded\","
            + "\"destination\":\"ecr 123456789012/eu-west-1\",\"images\":[{\"source\":\"docker.io/library/nginx:1.27\","
            + "\"state\":\"succeeded\",\"digest\":\"sha256:…\",\"manifestsCopied\":3,\"manifestsSkipped\":0,"
            + "\"blobs\":14,\"blobsCopied\":14,\"blobsSkipped\":0,\"blobsMounted\":0,\"bytes\":98112233,"
            + "\"bytesCopied\":98112233,\"retries\":0,\"references\":[\"123456789012.dkr.ecr.eu-west-1.amazonaws.com"
            + "/library/nginx:1.27\"]}],\"references\":[\"123456789012.dkr.ecr.eu-west-1.amazonaws.com"
            + "/library/nginx:1.27\"]}";

    private final MirrorJobs jobs;
    private final RegistryAccess access;

    @Context
    HttpHeaders headers;

    @Context
    UriInfo uri;

    public MirrorJobResource(MirrorJobs jobs, RegistryAccess access) {
        this.jobs = jobs;
        this.access = access;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start a mirror job", description = "Copies each image (an index and every child manifest "
            + "it keeps, config and layers) to the destination, skipping what it has (HEAD; a blob already put into "
            + "another repository of it is mounted), retrying transient failures. Everything is checked before a "
            + "byte moves: a bad request starts nothing. Progress: GET /mirror-jobs/{id} or its events.")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = MirrorJobRequest.class),
            examples = @ExampleObject(name = "into ECR", value = REQUEST)))
    @APIResponse(responseCode = "202", description = "Queued; Location is the job", content = @Content(
            schema = @Schema(implementation = MirrorJobView.class), examples = @ExampleObject(name = "job",
                    value = JOB)))
    @APIResponse(responseCode = "400", description = "MIRROR_JOB_INVALID, NAME_INVALID or TAG_INVALID: what is wrong",
            content = @Content(
            mediaType = "application/json", schema = @Schema(ref = "Errors"),
                    examples = @ExampleObject(name = "invalid",
                    value = OCI_ERROR)))
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    public Response submit(MirrorJobRequest request) {
        checkAccess();
        if (request == null) {
            throw ErrorCode.MIRROR_JOB_INVALID.exception("a JSON body is needed");
        }
        MirrorJobView job = jobs.submit(request.plan(), uri.getBaseUri().getAuthority());
        return Response.accepted(job).location(uri.getBaseUriBuilder().path("mirror-jobs").path(job.id()).build())
                .build();
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "List mirror jobs", description = "The newest jobs first, from their records.")
    @APIResponse(responseCode = "200", description = "Jobs, as their records have them", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.ARRAY,
                    implementation = MirrorJobView.class), examples = @ExampleObject(name = "jobs",
                    value = "{\"jobs\":[" + JOB + "]}")))
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    public Map<String, List<MirrorJobView>> list(@QueryParam("limit") @DefaultValue("50") int limit) {
        checkAccess();
        return Map.of("jobs", jobs.list(Math.max(1, Math.min(limit, 1000))));
    }

    @GET
    @Path("/{id}")
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN})
    @Operation(summary = "A mirror job", description = "State and progress per image (blobs, bytes); its rewritten "
            + "references as JSON, or one per line with Accept: text/plain (ready to paste into config).")
    @APIResponse(responseCode = "200", description = "The job", content = {
        @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MirrorJobView.class),
                examples = @ExampleObject(name = "job", value = JOB)),
        @Content(mediaType = MediaType.TEXT_PLAIN, examples = @ExampleObject(name = "lines",
                value = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/library/nginx:1.27\n"))})
    @APIResponse(responseCode = "404", description = "MIRROR_JOB_UNKNOWN", content = @Content(
            mediaType = "application/json", schema = @Schema(ref = "Errors"),
                    examples = @ExampleObject(name = "unknown", value = UNKNOWN)))
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    public Response get(@PathParam("id") String id) {
        checkAccess();
        MirrorJobView job = jobs.require(id);
        if (headers.getAcceptableMediaTypes().stream().anyMatch(m -> m.isCompatible(MediaType.TEXT_PLAIN_TYPE)
                && !m.isWildcardType())) {
            return Response.ok(String.join("\n", job.references()) + (job.references().isEmpty() ? "" : "\n"),
                    MediaType.TEXT_PLAIN_TYPE).build();
        }
        return Response.ok(job, MediaType.APPLICATION_JSON_TYPE).build();
    }

    @GET
    @Path("/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Follow a mirror job", description = "Server-sent events: the job now, then the job after "
            + "each change (bytes, blobs, states); the stream ends with the event of the finished job.")
    @APIResponse(responseCode = "200", description = "A stream of jobs", content = @Content(
            mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(implementation = MirrorJobView.class),
            examples = @ExampleObject(name = "last event", value = "data:" + JOB + "\n\n")))
    @APIResponse(responseCode = "404", description = "MIRROR_JOB_UNKNOWN", content = @Content(
            mediaType = "application/json", schema = @Schema(ref = "Errors"),
                    examples = @ExampleObject(name = "unknown", value = UNKNOWN)))
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    public Multi<MirrorJobView> events(@PathParam("id") String id) {
        checkAccess();
        jobs.require(id); // mappers do not run once a stream has started: 404 first
        return jobs.follow(id, EVENT_POLL);
    }

    /** A body Jackson cannot read as a job: the same OCI error as any other bad request (nothing started). */
    @ServerExceptionMapper
    public Response unreadable(JsonProcessingException e) {
        return OciErrorMapper.toResponse(ErrorCode.MIRROR_JOB_INVALID.exception("the body is not a mirror job: "
                + e.getOriginalMessage()));
    }

    private void checkAccess() {
        access.checkPush(headers.getHeaderString("Authorization"), uri.getBaseUri(), "mirror-jobs");
    }
}
