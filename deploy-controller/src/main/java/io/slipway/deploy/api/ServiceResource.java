package io.slipway.deploy.api;

import io.slipway.deploy.rollout.DeployRequests;
import io.slipway.deploy.rollout.Deployer;
import io.slipway.deploy.service.ServiceStatus;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import io.slipway.deploy.state.Deploy;

/** The model services: what runs where, and going back to the previous version. */
@Path("/services")
@Tag(name = "Services")
@Produces(MediaType.APPLICATION_JSON)
public class ServiceResource {

    private final ServiceStatus status;
    private final Deployer deployer;
    private final DeployRequests requests;

    public ServiceResource(ServiceStatus status, Deployer deployer, DeployRequests requests) {
        this.status = status;
        this.deployer = deployer;
        this.requests = requests;
    }

    @GET
    @Operation(summary = "List the model services and what runs", description = "Each model service of the compose "
            + "project: the serving color, its image, image id and digest, replicas, whether it is healthy and "
            + "whether nginx routes to it, its compose definition's image, the reconciler's last repair and every "
            + "container of every color with its status and health.")
    @APIResponse(responseCode = "200", description = "The model services", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ServiceStatus.ServiceView[].class),
            examples = @ExampleObject(name = "services", value = ApiExamples.SERVICES)))
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "503", ref = "Unavailable")
    public List<ServiceStatus.ServiceView> list() {
        return status.all();
    }

    /** Deploys the version the last successful deploy replaced (its image id and env); a normal blue-green deploy. */
    @POST
    @Path("{name}/rollback")
    @Operation(summary = "Roll back to the previous version", description = "Deploys the version the last "
            + "successful deploy replaced (its image id and env) as a normal blue-green deploy: the current version "
            + "keeps serving until the previous one is ready. Answers like POST /deploy (202, or 200/502 with "
            + "?wait=true).")
    @APIResponse(responseCode = "202", description = "Accepted; follow Location (GET /deploys/{id})",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = Deploy.class),
                    examples = @ExampleObject(name = "running", value = ApiExamples.DEPLOY_RUNNING)))
    @APIResponse(responseCode = "200", description = "(?wait=true) the rollback succeeded",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = Deploy.class),
                    examples = @ExampleObject(name = "succeeded", value = ApiExamples.DEPLOY_SUCCEEDED)))
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "409", ref = "NothingToRollBack")
    @APIResponse(responseCode = "422", ref = "InvalidDeploy")
    @APIResponse(responseCode = "502", ref = "DeployFailed")
    @APIResponse(responseCode = "503", ref = "Unavailable")
    public Uni<Response> rollback(@PathParam("name") @Parameter(description = "The model service",
            example = "sample-model") String name, @QueryParam("wait") @Parameter(
            description = "Answer when the rollback has ended (200 or 502) instead of at once (202)") boolean wait) {
        return DeployResource.answer(deployer.rollback(requests.service(name)), wait);
    }
}
