package io.slipway.gateway.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.slipway.gateway.auth.ApiKeys;
import io.slipway.gateway.config.GatewayConfig;
import io.slipway.gateway.error.GatewayError;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;

/**
 * Checks made before a request reaches the API, as Vert.x route handlers so that they run before any body is read:
 * the body size limit (413) and the API key (401). Health, metrics and OpenAPI under {@code /q/}, and the pages a
 * browser opens first ({@link #open}), stay open.
 */
@ApplicationScoped
public class HttpGuards {

    private static final String BEARER = "Bearer ";

    private final ApiKeys keys;
    private final long maxBody;
    private final ObjectMapper json;
    private final BodyHandler chunkedBodies;

    public HttpGuards(ApiKeys keys, GatewayConfig config, ObjectMapper json) {
        this.keys = keys;
        this.maxBody = config.maxBodySize().asLongValue();
        this.json = json;
        // File uploads kept: /AddJob's multipart form, when a client sends it chunked, reaches the page with its files.
        this.chunkedBodies = BodyHandler.create(Path.of(System.getProperty("java.io.tmpdir"), "slipway-uploads")
                .toString()).setBodyLimit(maxBody).setDeleteUploadedFilesOnEnd(true);
    }

    void install(@Observes Router router) {
        router.route().order(-10_000).handler(this::guard).failureHandler(this::tooLarge);
    }

    /**
     * A chunked body has no Content-Length to check up front; it is refused (413) while it is read, by the body
     * handlers. The client gets the same problem+json as for a declared length.
     */
    private void tooLarge(RoutingContext context) {
        if (context.statusCode() != 413 || context.response().headWritten()) {
            context.next();
            return;
        }
        refuseTooLarge(context, "the body is larger than the limit of " + maxBody + " bytes (gateway.max-body-size)");
    }

    /** 413, and the connection is closed: the rest of an oversized body is not worth reading. */
    private void refuseTooLarge(RoutingContext context, String detail) {
        context.response().putHeader(HttpHeaders.CONNECTION, "close");
        Problems.end(context, json, GatewayError.BODY_TOO_LARGE, detail);
    }

    private void guard(RoutingContext context) {
        String path = context.normalizedPath();
        if (open(context.request().method().name(), path)) {
            context.next();
            return;
        }
        if (!keys.open()) {
            String header = context.request().getHeader(HttpHeaders.AUTHORIZATION);
            String key = header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                    ? header.substring(BEARER.length()).trim() : null;
            if (!keys.accepts(key)) {
                context.response().putHeader("WWW-Authenticate", "Bearer realm=\"slipway\"");
                Problems.end(context, json, GatewayError.UNAUTHORIZED,
                        "send a valid API key as 'Authorization: Bearer <key>'");
                return;
            }
        }
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && tooLong(length)) {
            refuseTooLarge(context, "the body has " + length + " bytes; the limit is " + maxBody
                    + " bytes (gateway.max-body-size)");
            return;
        }
        if (length == null && context.request().headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
            // A chunked body declares no length: read it here, within the limit, so that an oversized one fails
            // (413, see tooLarge) before the API sees it; the API then reads the buffered body.
            chunkedBodies.handle(context);
            return;
        }
        context.next();
    }

    /**
     * What people open in a browser before they could give a key: health, metrics and OpenAPI ({@code /q/}), the
     * landing page, the {@code /AddJob} and {@code /console} pages themselves (what they submit or list needs the key),
     * Swagger UI and static assets.
     */
    static boolean open(String method, String path) {
        if (path.startsWith("/q/")) {
            return true;
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return false;
        }
        return path.equals("/") || path.equals("/AddJob") || path.equals("/console") || path.equals("/favicon.ico")
                || path.equals("/swagger") || path.startsWith("/swagger/")
                || path.startsWith("/webjars/") || path.startsWith("/static/");
    }

    private boolean tooLong(String length) {
        try {
            return Long.parseLong(length.trim()) > maxBody;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
