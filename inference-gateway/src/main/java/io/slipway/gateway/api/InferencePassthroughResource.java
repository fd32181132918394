package io.slipway.gateway.api;

import io.slipway.gateway.config.GatewayConfig;
import io.slipway.gateway.error.GatewayError;
import io.slipway.gateway.model.ModelCatalog;
import io.slipway.gateway.model.ModelClient;
import io.slipway.gateway.model.ModelReply;
import io.slipway.gateway.model.ModelUnreachable;
import io.slipway.gateway.model.ModelVersions;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;

/**
 * The OIP health and metadata endpoints of a model (and of one of its versions), passed through nginx to the model
 * service that serves the model name.
 * Inference itself is {@link SyncInferenceRoute}.
 */
@Path("/v2/models/{model}")
@Tag(name = "Inference")
public class InferencePassthroughResource {

    private final ModelClient models;
    private final ModelCatalog catalog;
    private final Duration timeout;

    public InferencePassthroughResource(ModelClient models, ModelCatalog catalog, GatewayConfig config) {
        this.models = models;
        this.catalog = catalog;
        this.timeout = config.models().syncTimeout();
    }

    @GET
    @Path("/ready")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Is the model ready (OIP)", description = "The model's own readiness answer, through nginx "
            + "to its current color.")
    @APIResponse(responseCode = "200", description = "The model's answer", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "ready",
                    value = "{\"name\": \"sample-model\", \"ready\": true}")))
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "404", ref = "UnknownModel")
    @APIResponse(responseCode = "502", ref = "ModelUnreachable")
    @APIResponse(responseCode = "504", ref = "ModelTimedOut")
    public Uni<Response> ready(@Parameter(description = "A served model", example = "sample-model")
            @RestPath String model) {
        catalog.require(model);
        return relay(model, models.get(model, "/ready", timeout));
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Model metadata (OIP)", description = "The model's inputs and outputs (names, datatypes, "
            + "shapes) as the model describes them.")
    @APIResponse(responseCode = "200", description = "The model's metadata", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "metadata",
                    value = ApiExamples.METADATA)))
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "404", ref = "UnknownModel")
    @APIResponse(responseCode = "502", ref = "ModelUnreachable")
    @APIResponse(responseCode = "504", ref = "ModelTimedOut")
    public Uni<Response> metadata(@Parameter(description = "A served model", example = "sample-model")
            @RestPath String model) {
        catalog.require(model);
        return relay(model, models.get(model, "", timeout));
    }

    @GET
    @Path("/versions/{version}/ready")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Is one version of the model ready (OIP)", description = "The model's own readiness answer "
            + "for that version, through nginx to its current color.")
    @APIResponse(responseCode = "200", description = "The model's answer", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "ready",
                    value = "{\"name\": \"sample-model\", \"ready\": true}")))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "404", ref = "UnknownModel")
    @APIResponse(responseCode = "502", ref = "ModelUnreachable")
    @APIResponse(responseCode = "504", ref = "ModelTimedOut")
    public Uni<Response> versionReady(@Parameter(description = "A served model", example = "sample-model")
            @RestPath String model, @Parameter(description = "A model version", example = "1")
            @RestPath String version) {
        catalog.require(model);
        ModelVersions.requireValid(version);
        return relay(model, models.get(model, "/versions/" + version + "/ready", timeout));
    }

    @GET
    @Path("/versions/{version}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Metadata of one version of the model (OIP)", description = "That version's inputs and "
            + "outputs (names, datatypes, shapes) as the model describes them.")
    @APIResponse(responseCode = "200", description = "The model's metadata", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "metadata",
                    value = ApiExamples.METADATA)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "404", ref = "UnknownModel")
    @APIResponse(responseCode = "502", ref = "ModelUnreachable")
    @APIResponse(responseCode = "504", ref = "ModelTimedOut")
    public Uni<Response> versionMetadata(@Parameter(description = "A served model", example = "sample-model")
            @RestPath String model, @Parameter(description = "A model version", example = "1")
            @RestPath String version) {
        catalog.require(model);
        ModelVersions.requireValid(version);
        return relay(model, models.get(model, "/versions/" + version, timeout));
    }

    private static Uni<Response> relay(String model, Uni<ModelReply> call) {
        return call.map(reply -> !reply.ok() && !reply.fromModel()
                        ? Problems.response(GatewayError.MODEL_UNREACHABLE, "no container of model '" + model
                                + "' took the request: nginx answered HTTP " + reply.status())
                        : Response.status(reply.status()).type(MediaType.APPLICATION_JSON).entity(reply.body()).build())
                .onFailure(ModelUnreachable.class).recoverWithItem(failure -> {
                    boolean timedOut = ((ModelUnreachable) failure).timedOut();
                    return Problems.response(timedOut ? GatewayError.MODEL_TIMED_OUT : GatewayError.MODEL_UNREACHABLE,
                            failure.getMessage());
                });
    }
}
