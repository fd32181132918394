package io.slipway.mirror.prefetch;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.slipway.mirror.api.RegistryAccess;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * {@code POST /prefetch}: warms the cache with whole images before a rollout, so that the pulls of the rollout need
 * nothing from the upstream. Answers when every image is cached (JSON), or streams each step as server-sent events
 * with {@code Accept: text/event-stream}. {@code GET /prefetch}: the configured list and its last scheduled run.
 */
@Path("/prefetch")
@Tag(name = "Prefetch", description = "Warm the cache before a rollout")
public class PrefetchResource {

    private final Prefetcher prefetcher;
    private final PrefetchSchedule schedule;
    private final RegistryAccess access;
    private final ObjectMapper json = new ObjectMapper();

    @Context
    HttpHeaders headers;

    @Context
    UriInfo uri;

    public PrefetchResource(Prefetcher prefetcher, PrefetchSchedule schedule, RegistryAccess access) {
        this.prefetcher = prefetcher;
        this.schedule = schedule;
        this.access = access;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Warm the cache with whole images", description = PrefetchExamples.DESCRIPTION)
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = PrefetchExamples.Request.class),
            examples = @ExampleObject(name = "one platform", value = PrefetchExamples.REQUEST)))
    @APIResponse(responseCode = "200", description = "Every image is whole in the cache", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PrefetchExamples.Result.class),
            examples = @ExampleObject(name = "warmed", value = PrefetchExamples.RESULT)))
    @APIResponse(responseCode = "400", description = "PREFETCH_INVALID (no images, a bad platform, not JSON), "
            + "NAME_INVALID / TAG_INVALID / DIGEST_INVALID (a bad reference); nothing was fetched",
            content = @Content(mediaType = "application/json", schema = @Schema(ref = "Errors"),
                    examples = @ExampleObject(name = "bad platform", value = PrefetchExamples.INVALID)))
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "404", description = "MANIFEST_UNKNOWN / BLOB_UNKNOWN: an image neither the "
            + "upstream nor this mirror has (the others were still warmed); detail names the image",
            content = @Content(mediaType = "application/json", schema = @Schema(ref = "Errors"),
                    examples = @ExampleObject(name = "unknown image", value = PrefetchExamples.UNKNOWN)))
    @APIResponse(responseCode = "429", description = "TOOMANYREQUESTS: the upstream rate-limits an image that is "
            + "not cached")
    @APIResponse(responseCode = "503", ref = "Unavailable")
    public Map<String, Object> prefetch(byte[] body) {
        PrefetchPlan plan = checked(body);
        PrefetchRun run = PrefetchRun.of(prefetcher, plan, event -> {});
        if (run.failure() != null) {
            throw run.failure();
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("images", run.warmed());
        return result;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Warm the cache, streaming progress", description = "The same as the JSON variant; each "
            + "manifest and blob once cached, each image `done` (with its result) or `failed` (OCI code and detail), "
            + "then one `end` event whose `code` is the first failure's (absent when all were warmed). A bad "
            + "request is refused with an OCI error before the stream starts.")
    @APIResponse(responseCode = "200", description = "The stream of steps", content = @Content(
            mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(implementation = PrefetchEvent.class),
            examples = @ExampleObject(name = "events", value = PrefetchExamples.EVENTS)))
    @APIResponse(responseCode = "400", description = "PREFETCH_INVALID, NAME_INVALID…: nothing was fetched",
            content = @Content(mediaType = "application/json", schema = @Schema(ref = "Errors"),
                    examples = @ExampleObject(name = "bad platform", value = PrefetchExamples.INVALID)))
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    public Multi<PrefetchEvent> prefetchEvents(byte[] body) {
        PrefetchPlan plan = checked(body); // exception mappers do not run once a stream has started
        return Multi.createFrom().<PrefetchEvent>emitter(emitter -> {
            PrefetchRun run = PrefetchRun.of(prefetcher, plan, emitter::emit);
            emitter.emit(PrefetchEvent.end(run.warmed().size(), run.failures().size(),
                    run.failure() == null ? null : run.failure().code().name()));
            emitter.complete();
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The configured prefetch list and its last run", description = "The images of "
            + "`mirror.prefetch.images` (warmed at start and every `mirror.prefetch.interval`), and what the last "
            + "scheduled run warmed or why an image failed.")
    @APIResponse(responseCode = "200", description = "The list and its last run", content = @Content(
            mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "schedule", value = PrefetchExamples.SCHEDULE)))
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    public Map<String, Object> scheduled() {
        access.checkPull(headers.getHeaderString("Authorization"), uri.getBaseUri(), "prefetch");
        return schedule.describe();
    }

    private PrefetchPlan checked(byte[] body) {
        PrefetchPlan plan = PrefetchPlan.parse(body, json);
        String authorization = headers.getHeaderString("Authorization");
        plan.images().forEach(i -> access.checkPull(authorization, uri.getBaseUri(), i.repository().value()));
        return plan;
    }
}
