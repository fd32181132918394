package io.slipway.deploy.api;

import io.slipway.deploy.rollout.DeployError;
import io.slipway.deploy.rollout.DeployException;
import io.slipway.deploy.rollout.DeployLog;
import io.slipway.deploy.rollout.DeployRequests;
import io.slipway.deploy.rollout.Deployer;
import io.slipway.deploy.state.Deploy;
import io.slipway.deploy.state.DeployStore;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.jboss.resteasy.reactive.RestStreamElementType;

/** The API CI calls: start a deploy, follow it, read the history. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class DeployResource {

    private static final String ID = "[a-z0-9-]{1,64}";

    private final Deployer deployer;
    private final DeployRequests requests;
    private final DeployStore store;

    public DeployResource(Deployer deployer, DeployRequests requests, DeployStore store) {
        this.deployer = deployer;
        this.requests = requests;
        this.store = store;
    }

    /** 202 + Location at once; with {@code ?wait=true} 200 when it succeeded, 502 problem+json when it failed. */
    @POST
    @Path("deploy")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> deploy(DeployRequests.DeployRequest request, @QueryParam("wait") boolean wait) {
        DeployLog log = deployer.submit(requests.plan(request));
        return answer(log, wait);
    }

    @GET
    @Path("deploys/{id}")
    public Deploy get(@PathParam("id") String id) {
        return deployer.find(checkedId(id)).orElseThrow(() -> notFound(id));
    }

    @GET
    @Path("deploys")
    public List<Deploy> list(@QueryParam("service") String service) {
        Optional<String> filter = Optional.ofNullable(service).filter(s -> !s.isBlank()).map(requests::service);
        return store.list(filter);
    }

    /** Progress lines as Server-Sent Events until the deploy ends (the last line is {@code end <STATE>}). */
    @GET
    @Path("deploys/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    public Multi<String> events(@PathParam("id") String id) {
        // Checked before the stream starts: exception mappers no longer apply once it has.
        Deploy known = deployer.find(checkedId(id)).orElseThrow(() -> notFound(id));
        Optional<DeployLog> log = deployer.runningLog(id);
        if (log.isEmpty()) {
            return Multi.createFrom().iterable(lines(known, 0));
        }
        return Multi.createFrom().emitter(emitter -> {
            int[] sent = {0};
            Consumer<Deploy> listener = d -> {
                synchronized (sent) {
                    lines(d, sent[0]).forEach(emitter::emit);
                    sent[0] = d.steps().size();
                    if (d.finished()) {
                        emitter.complete();
                    }
                }
            };
            emitter.onTermination(() -> log.get().unlisten(listener));
            log.get().listen(listener);
        });
    }

    static Uni<Response> answer(DeployLog log, boolean wait) {
        Deploy accepted = log.current();
        URI location = URI.create("/deploys/" + accepted.id());
        if (!wait) {
            return Uni.createFrom().item(Response.accepted(accepted).location(location).build());
        }
        return Uni.createFrom().completionStage(log.done()).map(end -> {
            if (end.state() == Deploy.State.SUCCEEDED) {
                return Response.ok(end).location(location).build();
            }
            throw new DeployException(DeployError.DEPLOY_FAILED, end.reason(), end);
        });
    }

    private static List<String> lines(Deploy d, int from) {
        List<String> lines = new java.util.ArrayList<>();
        for (int i = from; i < d.steps().size(); i++) {
            Deploy.Step s = d.steps().get(i);
            lines.add(s.at() + " [" + s.step() + "] " + s.message());
        }
        if (d.finished()) {
            lines.add("end " + d.state() + (d.reason() == null ? "" : ": " + d.reason()));
        }
        return lines;
    }

    private static String checkedId(String id) {
        if (id == null || !id.matches(ID)) {
            throw notFound(id);
        }
        return id;
    }

    private static DeployException notFound(String id) {
        return DeployError.NOT_FOUND.because("no deploy with id '" + String.valueOf(id).replaceAll("[^\\x20-\\x7e]",
                "?") + "'");
    }
}
