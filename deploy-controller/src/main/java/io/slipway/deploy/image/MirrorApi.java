package io.slipway.deploy.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slipway.deploy.image.MirrorException.Kind;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@link MirrorClient} over the mirror's HTTP API ({@code POST /prefetch}), with the push user's basic credentials
 * when configured (needed where the mirror refuses anonymous pulls). The mirror's OCI error codes decide the kind.
 */
public final class MirrorApi implements MirrorClient {

    private static final Set<String> UNKNOWN = Set.of("MANIFEST_UNKNOWN", "NAME_UNKNOWN", "BLOB_UNKNOWN");
    private static final Set<String> UPSTREAM = Set.of("TOOMANYREQUESTS", "UNAVAILABLE", "DENIED");

    private final WebClient client;
    private final URI base;
    private final Optional<String[]> credentials;
    private final Duration timeout;
    private final ObjectMapper json = new ObjectMapper();

    public MirrorApi(Vertx vertx, URI base, Optional<String> username, Optional<String> password, Duration timeout) {
        this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(5_000));
        this.base = base;
        this.credentials = password.map(p -> new String[] {username.orElse("slipway"), p});
        this.timeout = timeout;
    }

    @Override
    public Prefetched prefetch(String image, Optional<String> platform) {
        JsonObject body = new JsonObject().put("images", List.of(image));
        platform.ifPresent(p -> body.put("platform", p));
        HttpRequest<Buffer> request = client.postAbs(base.resolve("/prefetch").toString())
                .putHeader("Accept", "application/json").timeout(timeout.toMillis());
        credentials.ifPresent(c -> request.basicAuthentication(c[0], c[1]));
        HttpResponse<Buffer> response;
        try {
            response = request.sendJsonObject(body).await().atMost(timeout.plusSeconds(5));
        } catch (RuntimeException e) {
            throw new MirrorException(Kind.UNREACHABLE, "mirror " + base + " does not answer: " + e.getMessage(), e);
        }
        JsonNode doc = parse(response);
        if (response.statusCode() == 200) {
            JsonNode done = doc.path("images").path(0);
            if (!done.hasNonNull("digest")) {
                throw new MirrorException(Kind.UNREACHABLE, "mirror " + base + " answered without a digest", null);
            }
            return new Prefetched(done.path("digest").asText(), done.path("blobs").asInt(),
                    done.path("bytes").asLong(), done.path("bytesFetched").asLong(), done.path("millis").asLong());
        }
        JsonNode error = doc.path("errors").path(0);
        String code = error.path("code").asText("");
        String detail = error.path("detail").asText(error.path("message").asText(""));
        String message = "mirror: " + code + " " + detail + " (HTTP " + response.statusCode() + ")";
        Kind kind = UNKNOWN.contains(code) ? Kind.UNKNOWN_IMAGE
                : UPSTREAM.contains(code) ? Kind.UPSTREAM_FAILED
                : code.isEmpty() ? Kind.UNREACHABLE : Kind.REFUSED;
        throw new MirrorException(kind, message, null);
    }

    private JsonNode parse(HttpResponse<Buffer> response) {
        try {
            Buffer b = response.body();
            return b == null ? json.createObjectNode() : json.readTree(b.getBytes());
        } catch (Exception e) {
            return json.createObjectNode().set("errors", json.valueToTree(List.of(Map.of())));
        }
    }
}
