package io.slipway.gateway.api;

import io.slipway.gateway.model.ModelCatalog;
import io.slipway.gateway.model.ModelCatalog.ModelStatus;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server-level OIP endpoints of the gateway, which stands for every model behind it: {@code /v2/health/live}
 * (the gateway runs), {@code /v2/health/ready} (every model it serves answers ready; 503 naming the others), and a
 * model index as Triton's repository extension has it: which names are served by which service, ready or not.
 */
@Path("/v2")
@Produces(MediaType.APPLICATION_JSON)
public class ServerResource {

    private final ModelCatalog catalog;

    public ServerResource(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    @GET
    @Path("/health/live")
    @Operation(summary = "Is the gateway live (OIP server health)", description = "Answers while the gateway runs, "
            + "whatever its models do; for the gateway process itself, see also /q/health/live.")
    @APIResponse(responseCode = "200", description = "Live", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "live", value = "{\"live\": true}")))
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    public Map<String, Object> live() {
        return Map.of("live", true);
    }

    @GET
    @Path("/health/ready")
    @Operation(summary = "Are all models ready (OIP server health)", description = "200 when every model the gateway "
            + "serves answers ready through nginx; 503 with the names of those that do not.")
    @APIResponse(responseCode = "200", description = "Every model is ready", content = @Content(
            mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "ready", value = "{\"ready\": true, \"notReady\": []}")))
    @APIResponse(responseCode = "503", description = "Some model is not ready", content = @Content(
            mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "not ready", value = "{\"ready\": false, \"notReady\": [\"bert-lite\"]}")))
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    public Uni<Response> ready() {
        return catalog.statuses().map(statuses -> {
            List<String> notReady = statuses.stream().filter(s -> !s.ready()).map(ModelStatus::name).toList();
            boolean ready = !statuses.isEmpty() && notReady.isEmpty();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("ready", ready);
            body.put("notReady", notReady);
            return Response.status(ready ? 200 : 503).type(MediaType.APPLICATION_JSON).entity(body).build();
        });
    }

    @GET
    @Path("/repository/index")
    @Operation(summary = "Model index (which names are served where)", description = "Every OIP model name the gateway "
            + "serves, the model service (compose service) that serves it, and whether it is ready, as Triton's "
            + "repository extension lists them.")
    @APIResponse(responseCode = "200", description = "The index", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "index",
                    value = "[{\"name\": \"sample-model\", \"service\": \"sample-model\", \"state\": \"READY\"}]")))
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    public Uni<List<Map<String, Object>>> index() {
        return catalog.statuses().map(statuses -> statuses.stream().map(ServerResource::entry).toList());
    }

    /** Triton clients ask with POST. */
    @POST
    @Path("/repository/index")
    @Operation(summary = "Model index (which names are served where)", description = "Every OIP model name the gateway "
            + "serves, the model service (compose service) that serves it, and whether it is ready, as Triton's "
            + "repository extension lists them.")
    @APIResponse(responseCode = "200", description = "The index", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "index",
                    value = "[{\"name\": \"sample-model\", \"service\": \"sample-model\", \"state\": \"READY\"}]")))
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    public Uni<List<Map<String, Object>>> indexPost() {
        return index();
    }

    private static Map<String, Object> entry(ModelStatus status) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("name", status.name());
        entry.put("service", status.service());
        entry.put("state", status.ready() ? "READY" : "UNAVAILABLE");
        if (!status.ready()) {
            entry.put("reason", status.detail());
        }
        return entry;
    }
}
