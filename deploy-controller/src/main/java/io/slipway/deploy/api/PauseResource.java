package io.slipway.deploy.api;

import io.slipway.deploy.rollout.DeployRequests;
import io.slipway.deploy.rollout.TrafficPause;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Pausing and resuming a model service's traffic (requests held at the front meanwhile). */
@Path("/services/{name}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "traffic", description = "Hold a model service's requests and let them go again")
public class PauseResource {

    private static final String PAUSED = "{\"service\":\"sample-model\",\"paused\":true,\"color\":\"blue\"}";
    private static final String RESUMED = "{\"service\":\"sample-model\",\"paused\":false,\"color\":\"blue\","
            + "\"held\":{\"released\":42,\"p50\":800,\"p99\":1900,\"max\":1950,\"timedOut\":0}}";
    private static final String CONFLICT = "{\"type\":\"https://slipway.dev/problems/deploy-running\",\"title\":"
            + "\"A deploy of this service is already running\",\"status\":409,\"detail\":\"sample-model is being "
            + "deployed or repaired; retry when it has finished\"}";
    private static final String NOT_PAUSED = "{\"type\":\"https://slipway.dev/problems/not-paused\",\"title\":"
            + "\"The service's traffic is not paused\",\"status\":409,\"detail\":\"sample-model is not paused\"}";
    private static final String UNAUTHORIZED = "{\"type\":\"https://slipway.dev/problems/unauthorized\",\"title\":"
            + "\"Missing or wrong bearer token\",\"status\":401,\"detail\":\"wrong bearer token\"}";

    private final TrafficPause pauses;
    private final DeployRequests requests;

    public PauseResource(TrafficPause pauses, DeployRequests requests) {
        this.pauses = pauses;
        this.requests = requests;
    }

    @POST
    @Path("pause")
    @Operation(summary = "Pause a model service's traffic", description = "From now on the service's requests are "
            + "held at the front (nginx sends them to deploy-controller's hold listener), not refused; one held longer "
            + "than DEPLOY_HOLD_TIMEOUT gets 503 problem+json with Retry-After. No deploy or repair of the service "
            + "runs until it is resumed (a deploy gets 409 service-paused).")
    @APIResponse(responseCode = "200", description = "Paused; the color that served before", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TrafficPause.PauseState.class),
            examples = @ExampleObject(name = "paused", value = PAUSED)))
    @APIResponse(responseCode = "401", description = "No or wrong bearer token", content = @Content(
            mediaType = Problems.PROBLEM_JSON, schema = @Schema(implementation = Problems.Problem.class),
            examples = @ExampleObject(name = "unauthorized", value = UNAUTHORIZED)))
    @APIResponse(responseCode = "404", description = "No such model service", content = @Content(
            mediaType = Problems.PROBLEM_JSON, schema = @Schema(implementation = Problems.Problem.class)))
    @APIResponse(responseCode = "409", description = "A deploy or repair of the service runs (deploy-running), or it is "
            + "paused already (service-paused)",
            content = @Content(mediaType = Problems.PROBLEM_JSON, schema = @Schema(
                    implementation = Problems.Problem.class), examples = @ExampleObject(name = "busy",
                    value = CONFLICT)))
    @APIResponse(responseCode = "503", description = "nginx did not take the hold route; nothing changed",
            content = @Content(mediaType = Problems.PROBLEM_JSON, schema = @Schema(
                    implementation = Problems.Problem.class)))
    public TrafficPause.PauseState pause(@Parameter(description = "model service name", example = "sample-model")
                                         @PathParam("name") String name) {
        return pauses.pause(requests.service(name));
    }

    @POST
    @Path("resume")
    @Operation(summary = "Resume a paused model service's traffic", description = "The held requests go to the "
            + "color that served before the pause, nginx routes to it again and the hold ends; the answer says how "
            + "many requests were held and for how long (ms).")
    @APIResponse(responseCode = "200", description = "Resumed", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TrafficPause.PauseState.class),
            examples = @ExampleObject(name = "resumed", value = RESUMED)))
    @APIResponse(responseCode = "401", description = "No or wrong bearer token", content = @Content(
            mediaType = Problems.PROBLEM_JSON, schema = @Schema(implementation = Problems.Problem.class),
            examples = @ExampleObject(name = "unauthorized", value = UNAUTHORIZED)))
    @APIResponse(responseCode = "404", description = "No such model service", content = @Content(
            mediaType = Problems.PROBLEM_JSON, schema = @Schema(implementation = Problems.Problem.class)))
    @APIResponse(responseCode = "409", description = "The service is not paused", content = @Content(
            mediaType = Problems.PROBLEM_JSON, schema = @Schema(implementation = Problems.Problem.class),
            examples = @ExampleObject(name = "not paused", value = NOT_PAUSED)))
    @APIResponse(responseCode = "503", description = "nginx did not take the route back; still paused, retry",
            content = @Content(mediaType = Problems.PROBLEM_JSON, schema = @Schema(
                    implementation = Problems.Problem.class)))
    public TrafficPause.PauseState resume(@Parameter(description = "model service name", example = "sample-model")
                                          @PathParam("name") String name) {
        return pauses.resume(requests.service(name));
    }
}
