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

/** The model services: what runs where, and going back to the previous version. */
@Path("/services")
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
    public List<ServiceStatus.ServiceView> list() {
        return status.all();
    }

    /** Deploys the version the last successful deploy replaced (its image id and env); a normal blue-green deploy. */
    @POST
    @Path("{name}/rollback")
    public Uni<Response> rollback(@PathParam("name") String name, @QueryParam("wait") boolean wait) {
        return DeployResource.answer(deployer.rollback(requests.service(name)), wait);
    }
}
