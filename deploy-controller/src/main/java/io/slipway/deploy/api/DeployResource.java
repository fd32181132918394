package io.slipway.deploy.api;

import io.slipway.deploy.rollout.DeployError;
import io.slipway.deploy.rollout.DeployException;
import io.slipway.deploy.rollout.DeployLog;
import io.slipway.deploy.rollout.DeployRequests;
import io.slipway.deploy.rollout.Deployer;
import io.slipway.deploy.state.Deploy;
import io.slipway.deploy.state.DeployStore;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;

/** The API CI calls: start a deploy, follow it, read the history. */
@Path("/")
@Tag(name = "Deploys")
@Produces(MediaType.APPLICATION_JSON)
public class DeployResource {

    private static final String ID = "[a-z0-9-]{1,64}";

    private final Deployer deployer;
    private final DeployRequests requests;
    private final DeployStore store;

    public DeployResource(Deployer deployer, DeployRequests requests, DeployStore store) {
        this.deployer = deployer;
        this.requests = requests;
        this.store = store;
    }

    /** 202 + Location at once; with {@code ?wait=true} 200 when it succeeded, 502 problem+json when it failed. */
    @POST
    @Path("deploy")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Deploy a new version of a model service", description = "Blue-green: starts the image as "
            + "the idle color next to the serving one (same compose definition, the given env on top), waits until "
            + "it is ready, switches nginx to it and drains the old color. A failure at any step stops the new color "
            + "and leaves the previous version serving. Answers 202 with the deploy and its Location at once; with "
            + "?wait=true, 200 when it succeeded or 502 when it failed.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = DeployRequests.DeployRequest.class),
            examples = @ExampleObject(name = "deploy", value = ApiExamples.DEPLOY_REQUEST)))
    @APIResponse(responseCode = "202", description = "Accepted; follow Location (GET /deploys/{id})",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = Deploy.class),
                    examples = @ExampleObject(name = "running", value = ApiExamples.DEPLOY_RUNNING)))
    @APIResponse(responseCode = "200", description = "(?wait=true) the deploy succeeded; the new version serves",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = Deploy.class),
                    examples = @ExampleObject(name = "succeeded", value = ApiExamples.DEPLOY_SUCCEEDED)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "409", ref = "DeployRunning")
    @APIResponse(responseCode = "422", ref = "InvalidDeploy")
    @APIResponse(responseCode = "502", ref = "DeployFailed")
    @APIResponse(responseCode = "503", ref = "Unavailable")
    public Uni<Response> deploy(DeployRequests.DeployRequest request, @QueryParam("wait") @Parameter(
            description = "Answer when the deploy has ended (200 or 502) instead of at once (202)") boolean wait) {
        DeployLog log = deployer.submit(requests.plan(request));
        return answer(log, wait);
    }

    @GET
    @Path("deploys/{id}")
    @Operation(summary = "Read a deploy", description = "One deploy, rollback or reconciler repair as recorded: its "
            + "state (RUNNING, SUCCEEDED, FAILED: the previous version kept serving), the target and previous "
            + "versions, the colors, every step with its time, the reason it failed and the new color's log tail.")
    @APIResponse(responseCode = "200", description = "The deploy", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Deploy.class),
            examples = @ExampleObject(name = "succeeded", value = ApiExamples.DEPLOY_SUCCEEDED)))
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "404", ref = "NotFound")
    public Deploy get(@PathParam("id") @Parameter(description = "The deploy's id (from Location)",
            example = "d-20261201-120000-1a2b3c4d") String id) {
        return deployer.find(checkedId(id)).orElseThrow(() -> notFound(id));
    }

    @GET
    @Path("deploys")
    @Operation(summary = "List the deploy history", description = "Every recorded deploy, rollback and reconciler "
            + "repair, newest first, optionally of one model service only; each as GET /deploys/{id} gives it.")
    @APIResponse(responseCode = "200", description = "The deploys, newest first", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Deploy[].class),
            examples = @ExampleObject(name = "history", value = "[" + ApiExamples.DEPLOY_SUCCEEDED + "]")))
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "422", ref = "InvalidDeploy")
    @APIResponse(responseCode = "503", ref = "Unavailable")
    public List<Deploy> list(@QueryParam("service") @Parameter(description = "Only the deploys of this model service",
            example = "sample-model") String service) {
        Optional<String> filter = Optional.ofNullable(service).filter(s -> !s.isBlank()).map(requests::service);
        return store.list(filter);
    }

    /** Progress lines as Server-Sent Events until the deploy ends (the last line is {@code end <STATE>}). */
    @GET
    @Path("deploys/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    @Operation(summary = "Follow a deploy's log live", description = "Server-sent events, one per step line "
            + "(`<time> [<step>] <message>`) as the deploy makes progress, then a last `end <STATE>[: reason]` and "
            + "the stream closes. For a finished deploy the whole log comes at once.")
    @APIResponse(responseCode = "200", description = "The log lines as server-sent events", content = @Content(
            mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(type = org.eclipse.microprofile.openapi
                    .annotations.enums.SchemaType.STRING),
            examples = @ExampleObject(name = "log", value = ApiExamples.DEPLOY_EVENTS)))
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "404", ref = "NotFound")
    public Multi<String> events(@PathParam("id") @Parameter(description = "The deploy's id",
            example = "d-20261201-120000-1a2b3c4d") String id) {
        // Checked before the stream starts: exception mappers no longer apply once it has.
        Deploy known = deployer.find(checkedId(id)).orElseThrow(() -> notFound(id));
        Optional<DeployLog> log = deployer.runningLog(id);
        if (log.isEmpty()) {
            return Multi.createFrom().iterable(lines(known, 0));
        }
        return Multi.createFrom().emitter(emitter -> {
            int[] sent = {0};
            Consumer<Deploy> listener = d -> {
                synchronized (sent) {
                    lines(d, sent[0]).forEach(emitter::emit);
                    sent[0] = d.steps().size();
                    if (d.finished()) {
                        emitter.complete();
                    }
                }
            };
            emitter.onTermination(() -> log.get().unlisten(listener));
            log.get().listen(listener);
        });
    }

    static Uni<Response> answer(DeployLog log, boolean wait) {
        Deploy accepted = log.current();
        URI location = URI.create("/deploys/" + accepted.id());
        if (!wait) {
            return Uni.createFrom().item(Response.accepted(accepted).location(location).build());
        }
        return Uni.createFrom().completionStage(log.done()).map(end -> {
            if (end.state() == Deploy.State.SUCCEEDED) {
                return Response.ok(end).location(location).build();
            }
            throw new DeployException(DeployError.DEPLOY_FAILED, end.reason(), end);
        });
    }

    private static List<String> lines(Deploy d, int from) {
        List<String> lines = new java.util.ArrayList<>();
        for (int i = from; i < d.steps().size(); i++) {
            Deploy.Step s = d.steps().get(i);
            lines.add(s.at() + " [" + s.step() + "] " + s.message());
        }
        if (d.finished()) {
            lines.add("end " + d.state() + (d.reason() == null ? "" : ": " + d.reason()));
        }
        return lines;
    }

    private static String checkedId(String id) {
        if (id == null || !id.matches(ID)) {
            throw notFound(id);
        }
        return id;
    }

    private static DeployException notFound(String id) {
        return DeployError.NOT_FOUND.because("no deploy with id '" + String.valueOf(id).replaceAll("[^\\x20-\\x7e]",
                "?") + "'");
    }
}
