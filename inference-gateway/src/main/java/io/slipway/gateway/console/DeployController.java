package io.slipway.gateway.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slipway.gateway.config.GatewayConfig;
import io.slipway.gateway.error.GatewayError;
import io.slipway.gateway.job.JobRejected;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.core.parsetools.RecordParser;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The deploy-controller verbs the console needs, with the operator's deploy token passed through (the gateway keeps
 * none). Its refusals become the gateway's problems: a rejected token, a refused action (409) with the
 * controller's own detail, or the controller not answering.
 */
@ApplicationScoped
public class DeployController {

    /** A model service as the controller sees it. */
    public record Service(String name, String color, String image, String digest, String imageId, int replicas,
            boolean healthy) {

        /**
         * The repository digest when the image came from a registry, else its image id (a locally built image has
         * no digest): {@code sha256:} and the first 12 hex digits, as {@code docker images} shows them.
         */
        public String shortDigest() {
            String id = digest.isEmpty() ? imageId : digest;
            return id.length() > 19 ? id.substring(0, 19) + "…" : id;
        }

        public String fullDigest() {
            return digest.isEmpty() ? imageId : digest;
        }
    }

    /** A deploy or rollback, newest first in {@link #deploys}. */
    public record Deploy(String id, String kind, String service, String state, String color, String image,
            String createdAt, String finishedAt, String reason) {

        public boolean running() {
            return "RUNNING".equals(state);
        }
    }

    private static final int HISTORY = 15;

    private final WebClient client;
    private final HttpClient streams;
    private final String baseUrl;
    private final ObjectMapper json;

    public DeployController(Vertx vertx, GatewayConfig config, ObjectMapper json) {
        this.baseUrl = config.console().deployUrl().replaceAll("/+$", "");
        this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(3_000));
        this.streams = vertx.createHttpClient();
        this.json = json;
    }

    public Uni<List<Service>> services(String token) {
        return call(HttpMethod.GET, "/services", token).map(body -> {
            List<Service> services = new ArrayList<>();
            for (JsonNode s : body) {
                services.add(new Service(s.path("name").asText(), s.path("color").asText(), s.path("image").asText(),
                        s.path("digest").asText(), s.path("imageId").asText(), s.path("replicas").asInt(),
                        s.path("healthy").asBoolean()));
            }
            return services;
        });
    }

    public Uni<List<Deploy>> deploys(String token) {
        return call(HttpMethod.GET, "/deploys", token).map(body -> {
            List<Deploy> deploys = new ArrayList<>();
            for (JsonNode d : body) {
                deploys.add(deploy(d));
            }
            deploys.sort((a, b) -> b.createdAt().compareTo(a.createdAt()));
            return deploys.subList(0, Math.min(HISTORY, deploys.size()));
        });
    }

    public Uni<Deploy> deploy(String id, String token) {
        return call(HttpMethod.GET, "/deploys/" + id, token).map(DeployController::deploy);
    }

    /** Starts a rollback of {@code service}; the controller answers at once with the running deploy. */
    public Uni<Deploy> rollback(String service, String token) {
        return call(HttpMethod.POST, "/services/" + service + "/rollback", token).map(DeployController::deploy);
    }

    /** The deploy's log lines as they arrive, until it ends (the last line is {@code end <STATE>}). */
    public Multi<String> log(String id, String token) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET)
                .setAbsoluteURI(baseUrl + "/deploys/" + id + "/events")
                .putHeader("Authorization", "Bearer " + token).putHeader("Accept", "text/event-stream");
        return streams.request(options).flatMap(request -> request.send())
                .onItem().transformToMulti(response -> RecordParser.newDelimited("\n", response).toMulti())
                .map(Buffer::toString)
                .filter(line -> line.startsWith("data:"))
                .map(line -> line.substring("data:".length()).stripLeading());
    }

    private Uni<JsonNode> call(HttpMethod method, String path, String token) {
        if (token == null || token.isBlank()) {
            return Uni.createFrom().failure(new JobRejected(GatewayError.DEPLOY_TOKEN_REJECTED,
                    "enter the deploy token (deploy-controller's DEPLOY_AUTH_TOKEN) to see and act on deploys"));
        }
        return client.requestAbs(method, baseUrl + path).timeout(10_000)
                .putHeader("Authorization", "Bearer " + token.trim()).putHeader("Accept", "application/json")
                .send()
                .onFailure().transform(failure -> new JobRejected(GatewayError.SERVICE_UNAVAILABLE,
                        "deploy-controller did not answer: " + failure.getMessage()))
                .map(this::body);
    }

    private JsonNode body(HttpResponse<Buffer> response) {
        JsonNode body;
        try {
            body = json.readTree(response.bodyAsString() == null ? "null" : response.bodyAsString());
        } catch (IOException e) {
            throw new JobRejected(GatewayError.SERVICE_UNAVAILABLE, "deploy-controller answered HTTP "
                    + response.statusCode() + " without JSON");
        }
        int status = response.statusCode();
        if (status < 300) {
            return body;
        }
        String detail = "deploy-controller: " + body.path("title").asText("HTTP " + status)
                + (body.hasNonNull("detail") ? " (" + body.get("detail").asText() + ")" : "");
        if (status == 401 || status == 403) {
            throw new JobRejected(GatewayError.DEPLOY_TOKEN_REJECTED, detail);
        }
        if (status == 404) {
            throw new JobRejected(GatewayError.NOT_FOUND, detail);
        }
        throw new JobRejected(status < 500 ? GatewayError.DEPLOY_REFUSED : GatewayError.SERVICE_UNAVAILABLE,
                detail);
    }

    private static Deploy deploy(JsonNode d) {
        return new Deploy(d.path("id").asText(), d.path("kind").asText(), d.path("service").asText(),
                d.path("state").asText(), d.path("color").asText(""), d.path("target").path("image").asText(""),
                time(d.path("createdAt").asText("")), time(d.path("finishedAt").asText("")),
                d.path("reason").asText(""));
    }

    /** {@code 2026-12-01 09:58:45} of an ISO instant: the console's tables are for reading. */
    private static String time(String instant) {
        return instant.length() < 19 ? instant : instant.substring(0, 19).replace('T', ' ');
    }

    @PreDestroy
    void close() {
        client.close();
        streams.close();
    }
}
