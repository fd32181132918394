package io.slipway.gateway.api;

import io.slipway.gateway.config.GatewayConfig;
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
import org.jboss.resteasy.reactive.RestPath;

/**
 * The OIP health and metadata endpoints of a model (and of one of its versions), passed through nginx to the model
 * service that serves the model name.
 * Inference itself is {@link SyncInferenceRoute}.
 */
@Path("/v2/models/{model}")
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
    public Uni<Response> ready(@RestPath String model) {
        catalog.require(model);
        return relay(model, models.get(model, "/ready", timeout));
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> metadata(@RestPath String model) {
        catalog.require(model);
        return relay(model, models.get(model, "", timeout));
    }

    @GET
    @Path("/versions/{version}/ready")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> versionReady(@RestPath String model, @RestPath String version) {
        catalog.require(model);
        ModelVersions.requireValid(version);
        return relay(model, models.get(model, "/versions/" + version + "/ready", timeout));
    }

    @GET
    @Path("/versions/{version}")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> versionMetadata(@RestPath String model, @RestPath String version) {
        catalog.require(model);
        ModelVersions.requireValid(version);
        return relay(model, models.get(model, "/versions/" + version, timeout));
    }

    private static Uni<Response> relay(String model, Uni<ModelReply> call) {
        return call.map(reply -> Response.status(reply.status()).type(MediaType.APPLICATION_JSON)
                        .entity(reply.body()).build())
                .onFailure(ModelUnreachable.class).recoverWithItem(failure -> {
                    boolean timedOut = ((ModelUnreachable) failure).timedOut();
                    return Problems.response(timedOut ? 504 : 502, timedOut ? "Model timed out" : "Model unreachable",
                            failure.getMessage());
                });
    }
}
