package io.slipway.gateway.api;

import io.slipway.gateway.config.GatewayConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.regex.Pattern;

/**
 * Synchronous Open Inference Protocol calls, passed through nginx to the model service of the same name.
 * The body is forwarded as bytes: the model, not the gateway, judges the tensors.
 */
@Path("/v2/models/{model}")
@ApplicationScoped
public class InferencePassthroughResource {

    /** Compose service names: what nginx routes and what may appear in an upstream URL. */
    private static final Pattern MODEL_NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");

    private final WebClient client;
    private final GatewayConfig config;

    public InferencePassthroughResource(Vertx vertx, GatewayConfig config) {
        this.config = config;
        this.client = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true).setMaxPoolSize(64));
    }

    @POST
    @Path("/infer")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> infer(String model, byte[] body) {
        return forward(HttpMethod.POST, model, "/infer", Buffer.buffer(body));
    }

    @GET
    @Path("/ready")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> ready(String model) {
        return forward(HttpMethod.GET, model, "/ready", null);
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> metadata(String model) {
        return forward(HttpMethod.GET, model, "", null);
    }

    private Uni<Response> forward(HttpMethod method, String model, String suffix, Buffer body) {
        if (!MODEL_NAME.matcher(model).matches()) {
            return Uni.createFrom().item(Problems.response(400, "Invalid model name",
                    "model names are lower-case letters, digits, '.', '_' and '-'"));
        }
        String uri = config.models().url() + "/models/" + model + "/v2/models/" + model + suffix;
        var request = client.requestAbs(method, uri)
                .timeout(config.models().syncTimeout().toMillis())
                .putHeader("Content-Type", "application/json");
        Uni<HttpResponse<Buffer>> sent = body == null ? request.send() : request.sendBuffer(body);
        return sent.map(upstream -> Response.status(upstream.statusCode())
                        .type(MediaType.APPLICATION_JSON)
                        .entity(upstream.body() == null ? new byte[0] : upstream.body().getBytes())
                        .build())
                .onFailure().recoverWithItem(failure -> Problems.response(502, "Model unreachable",
                        "model '" + model + "' did not answer: " + failure.getMessage()));
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
