package io.slipway.gateway.console;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.slipway.gateway.auth.ApiKeys;
import io.slipway.gateway.error.GatewayError;
import io.slipway.gateway.job.JobRejected;
import io.slipway.gateway.model.ModelNames;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * {@code /console}, the ops console at the front door: readiness of every service with the reason when down, the
 * model services (color, image digest, replicas, health) with a rollback button, the deploy history and the live
 * log of a running deploy, the mirror's figures, and per-model queue plots over the last hour. Deploy data and
 * actions need the operator's deploy token (header {@code X-Slipway-Deploy-Token}), which the gateway passes to
 * deploy-controller and never keeps or shows.
 */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
public class ConsolePage {

    static final String TOKEN_HEADER = "X-Slipway-Deploy-Token";
    private static final Pattern DEPLOY_ID = Pattern.compile("[a-z0-9-]{1,64}");

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance page(boolean keysRequired);

        static native TemplateInstance readiness(List<StackHealth.Readiness> services);

        static native TemplateInstance services(List<DeployController.Service> services);

        static native TemplateInstance deploys(List<DeployController.Deploy> deploys);

        static native TemplateInstance mirror(MirrorFigures.Figures mirror);
    }

    private final StackHealth health;
    private final DeployController deploys;
    private final MirrorFigures mirror;
    private final QueueHistory queues;
    private final ApiKeys keys;

    public ConsolePage(StackHealth health, DeployController deploys, MirrorFigures mirror, QueueHistory queues,
            ApiKeys keys) {
        this.health = health;
        this.deploys = deploys;
        this.mirror = mirror;
        this.queues = queues;
        this.keys = keys;
    }

    @GET
    public TemplateInstance page() {
        return Templates.page(!keys.open());
    }

    @GET
    @Path("/readiness")
    public Uni<TemplateInstance> readiness() {
        return health.all().map(Templates::readiness);
    }

    @GET
    @Path("/services")
    public Uni<TemplateInstance> services(@RestHeader(TOKEN_HEADER) String token) {
        return deploys.services(token).map(Templates::services);
    }

    /** Starts a rollback; the deploy list picks it up (and the page follows its log). */
    @POST
    @Path("/services/{name}/rollback")
    public Uni<Response> rollback(@RestPath String name, @RestHeader(TOKEN_HEADER) String token) {
        ModelNames.requireValid(name);
        return deploys.rollback(name, token).map(started -> Response.ok(Templates.deploys(List.of(started)))
                .header("HX-Trigger", "deployStarted").build());
    }

    @GET
    @Path("/deploys")
    public Uni<TemplateInstance> deploys(@RestHeader(TOKEN_HEADER) String token) {
        return deploys.deploys(token).map(Templates::deploys);
    }

    /**
     * The deploy's log lines as server-sent events, relayed from deploy-controller until the deploy ends. The deploy
     * is looked up first, so a wrong token or an unknown deploy is a problem answer rather than an empty stream.
     */
    @GET
    @Path("/deploys/{id}/log")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    @Blocking
    public Multi<String> log(@RestPath String id, @RestHeader(TOKEN_HEADER) String token) {
        if (!DEPLOY_ID.matcher(id).matches()) {
            throw new JobRejected(GatewayError.NOT_FOUND, "no deploy '" + id + "'");
        }
        deploys.deploy(id, token).await().atMost(Duration.ofSeconds(15));
        return deploys.log(id, token.trim());
    }

    @GET
    @Path("/mirror")
    public Uni<TemplateInstance> mirror() {
        return mirror.now().map(Templates::mirror);
    }

    /** Per model, the last hour of queue points (for the plots). */
    @GET
    @Path("/queues")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, List<QueueHistory.Point>> queues() {
        return queues.lastHour();
    }
}
