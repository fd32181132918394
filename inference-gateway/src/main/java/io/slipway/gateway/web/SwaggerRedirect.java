package io.slipway.gateway.web;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Swagger UI lives at {@code /swagger} (quarkus.swagger-ui.path), where the production model containers have it;
 * Quarkus' usual {@code /q/swagger-ui} sends browsers and bookmarks there.
 */
@ApplicationScoped
public class SwaggerRedirect {

    void install(@Observes Router router) {
        router.get("/q/swagger-ui").handler(SwaggerRedirect::redirect);
        router.get("/q/swagger-ui/*").handler(SwaggerRedirect::redirect);
    }

    private static void redirect(RoutingContext context) {
        String rest = context.normalizedPath().substring("/q/swagger-ui".length());
        context.response().setStatusCode(301)
                .putHeader(HttpHeaders.LOCATION, "/swagger" + (rest.isEmpty() ? "/" : rest)).end();
    }
}
