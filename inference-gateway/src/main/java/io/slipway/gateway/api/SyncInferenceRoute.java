package io.slipway.gateway.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.slipway.gateway.config.GatewayConfig;
import io.slipway.gateway.error.GatewayError;
import io.slipway.gateway.job.JobRejected;
import io.slipway.gateway.model.ModelCatalog;
import io.slipway.gateway.model.ModelClient;
import io.slipway.gateway.model.ModelUnreachable;
import io.slipway.gateway.model.ModelVersions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;

/**
 * {@code POST /v2/models/{model}/infer} and {@code .../versions/{version}/infer}, the hottest path: a plain Vert.x route on the event loop that relays the
 * body bytes to the model through nginx and its answer back, without the REST layer in between. The model, not the
 * gateway, judges the tensors. Runs after {@link HttpGuards} (API key, body limit).
 */
@ApplicationScoped
public class SyncInferenceRoute {

    private final ModelClient models;
    private final ModelCatalog catalog;
    private final ObjectMapper json;
    private final Duration timeout;
    private final long maxBody;

    public SyncInferenceRoute(ModelClient models, ModelCatalog catalog, ObjectMapper json, GatewayConfig config) {
        this.models = models;
        this.catalog = catalog;
        this.json = json;
        this.timeout = config.models().syncTimeout();
        this.maxBody = config.maxBodySize().asLongValue();
    }

    void install(@Observes Router router) {
        router.post("/v2/models/:model/infer").order(-5_000)
                .handler(BodyHandler.create(false).setBodyLimit(maxBody))
                .handler(this::relay);
        router.post("/v2/models/:model/versions/:version/infer").order(-5_000)
                .handler(BodyHandler.create(false).setBodyLimit(maxBody))
                .handler(this::relay);
    }

    private void relay(RoutingContext context) {
        String model = context.pathParam("model");
        String version = context.pathParam("version");
        try {
            catalog.require(model);
            if (version != null) {
                ModelVersions.requireValid(version);
            }
        } catch (JobRejected e) {
            Problems.end(context, json, e.error(), e.getMessage());
            return;
        }
        byte[] body = context.body().buffer() == null ? new byte[0] : context.body().buffer().getBytes();
        String suffix = version == null ? "/infer" : "/versions/" + version + "/infer";
        models.post(model, suffix, body, timeout).subscribe().with(
                reply -> {
                    if (!reply.ok() && !reply.fromModel()) {
                        Problems.end(context, json, GatewayError.MODEL_UNREACHABLE, "no container of model '" + model
                                + "' took the request: nginx answered HTTP " + reply.status());
                        return;
                    }
                    context.response().setStatusCode(reply.status())
                            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                            .end(Buffer.buffer(reply.body()));
                },
                failure -> {
                    boolean timedOut = failure instanceof ModelUnreachable unreachable && unreachable.timedOut();
                    Problems.end(context, json, timedOut ? GatewayError.MODEL_TIMED_OUT
                            : GatewayError.MODEL_UNREACHABLE, failure.getMessage());
                });
    }
}
