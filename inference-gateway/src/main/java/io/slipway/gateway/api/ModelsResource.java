package io.slipway.gateway.api;

import io.slipway.gateway.model.ModelCatalog;
import io.slipway.gateway.worker.Dispatcher;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /models}: the models jobs may name, whether each answers ready through nginx, and its queue. */
@Path("/models")
@Tag(name = "Models")
@Produces(MediaType.APPLICATION_JSON)
public class ModelsResource {

    private final ModelCatalog catalog;
    private final Dispatcher dispatcher;

    public ModelsResource(ModelCatalog catalog, Dispatcher dispatcher) {
        this.catalog = catalog;
        this.dispatcher = dispatcher;
    }

    @GET
    @Operation(summary = "List the served models", description = "The models jobs may name; for each whether it "
            + "answers ready through nginx now (detail says why not), its queue, concurrency and limit, whether a "
            + "mapping is configured and whether its metadata (input shapes) is known.")
    @APIResponse(responseCode = "200", description = "The models", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "models",
                    value = ApiExamples.MODELS)))
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    public Uni<Map<String, Object>> list() {
        return catalog.statuses().map(statuses -> {
            List<Map<String, Object>> models = statuses.stream().map(status -> {
                ModelCatalog.ModelSettings settings = catalog.require(status.name());
                Map<String, Object> model = new LinkedHashMap<>();
                model.put("name", status.name());
                model.put("service", status.service());
                model.put("ready", status.ready());
                model.put("detail", status.detail());
                model.put("queued", dispatcher.queueDepth(status.name()));
                model.put("concurrency", settings.concurrency());
                model.put("maxQueueDepth", settings.maxQueueDepth());
                model.put("mapping", settings.mapping().isPresent());
                model.put("metadata", catalog.metadata(status.name()).isPresent());
                return model;
            }).toList();
            return Map.of("models", models);
        });
    }
}
