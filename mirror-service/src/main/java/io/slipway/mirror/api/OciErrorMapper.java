package io.slipway.mirror.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slipway.mirror.registry.ErrorCode;
import io.slipway.mirror.registry.RegistryException;
import io.slipway.mirror.storage.InvalidKeyException;
import io.vertx.core.http.HttpServerResponse;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The one place where failures become OCI error bodies: {@code {"errors":[{"code","message","detail"}]}}. */
public class OciErrorMapper {

    private static final Logger LOG = Logger.getLogger(OciErrorMapper.class);

    @ServerExceptionMapper
    public Response registry(RegistryException e) {
        return toResponse(e);
    }

    @ServerExceptionMapper
    public Response invalidKey(InvalidKeyException e) {
        return toResponse(toRegistryException(e));
    }

    @ServerExceptionMapper({IOException.class, UncheckedIOException.class})
    public Response io(Exception e) {
        return toResponse(toRegistryException(e));
    }

    /** For routes outside the REST layer: the same mapping as the {@code @ServerExceptionMapper}s above. */
    public static RegistryException toRegistryException(Throwable e) {
        if (e instanceof RegistryException r) {
            return r;
        }
        if (e instanceof InvalidKeyException) {
            return ErrorCode.NAME_INVALID.exception(e.getMessage());
        }
        LOG.error("storage or upstream failure", e);
        return ErrorCode.UNKNOWN.exception(e.getMessage());
    }

    /** The OCI error body: {@code {"errors":[{"code","message","detail"}]}}. */
    public static Map<String, Object> body(RegistryException e) {
        Map<String, Object> error = new HashMap<>();
        error.put("code", e.code().name());
        error.put("message", e.getMessage());
        if (e.detail() != null) {
            error.put("detail", e.detail());
        }
        return Map.of("errors", List.of(error));
    }

    /** The same error on a plain Vert.x response (routes outside the REST layer). */
    public static void end(HttpServerResponse response, RegistryException e, ObjectMapper json)
            throws JsonProcessingException {
        // The error replaces what the route had prepared: a blob's Content-Length left in place would make the
        // client wait for bytes that never come (e.g. a blob deleted between its size and its bytes).
        response.headers().clear();
        response.setStatusCode(e.status()).putHeader("Content-Type", MediaType.APPLICATION_JSON)
                .putHeader(RegistryHeaders.API_VERSION, RegistryHeaders.API_VERSION_VALUE);
        e.headers().forEach(response::putHeader);
        response.end(json.writeValueAsString(body(e)));
    }

    public static Response toResponse(RegistryException e) {
        Response.ResponseBuilder r = Response.status(e.status()).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(body(e))
                .header(RegistryHeaders.API_VERSION, RegistryHeaders.API_VERSION_VALUE);
        e.headers().forEach(r::header);
        return r.build();
    }
}
