package io.slipway.gateway.web;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.slipway.gateway.model.ModelCatalog;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** The front door, {@code /}: what this stack offers, with the served models and whether each is ready. */
@Path("/")
public class LandingPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance landing(List<ModelCatalog.ModelStatus> models);
    }

    private final ModelCatalog catalog;

    public LandingPage(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Uni<TemplateInstance> landing() {
        return catalog.statuses().map(Templates::landing);
    }
}
