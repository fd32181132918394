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
    public Map<String, Object> live() {
        return Map.of("live", true);
    }

    @GET
    @Path("/health/ready")
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
    public Uni<List<Map<String, Object>>> index() {
        return catalog.statuses().map(statuses -> statuses.stream().map(ServerResource::entry).toList());
    }

    /** Triton clients ask with POST. */
    @POST
    @Path("/repository/index")
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
