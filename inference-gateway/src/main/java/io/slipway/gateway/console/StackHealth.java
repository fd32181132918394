package io.slipway.gateway.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slipway.gateway.config.GatewayConfig;
import io.slipway.gateway.model.ModelCatalog;
import io.smallrye.health.SmallRyeHealth;
import io.smallrye.health.SmallRyeHealthReporter;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Readiness of every service of the stack, each with the reason when it is down: the gateway itself, nginx, the
 * mirror, the deploy controller (their {@code /q/health/ready}: the DOWN checks and their data) and each model.
 */
@ApplicationScoped
public class StackHealth {

    /** One service's readiness; {@code reason} says why it is down (empty when up). */
    public record Readiness(String service, boolean up, String reason) {}

    private final WebClient client;
    private final SmallRyeHealthReporter own;
    private final ModelCatalog catalog;
    private final ObjectMapper json;
    private final String nginxUrl;
    private final String mirrorUrl;
    private final String deployUrl;

    public StackHealth(Vertx vertx, SmallRyeHealthReporter own, ModelCatalog catalog, ObjectMapper json,
            GatewayConfig config) {
        this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(3_000));
        this.own = own;
        this.catalog = catalog;
        this.json = json;
        this.nginxUrl = config.models().url().replaceAll("/+$", "");
        this.mirrorUrl = config.console().mirrorUrl().replaceAll("/+$", "");
        this.deployUrl = config.console().deployUrl().replaceAll("/+$", "");
    }

    public Uni<List<Readiness>> all() {
        Uni<Readiness> gateway = own.getReadinessAsync().map(health -> quarkus("inference-gateway", health));
        Uni<Readiness> nginx = probe("nginx", nginxUrl + "/nginx-health", false);
        Uni<Readiness> mirror = probe("mirror-service", mirrorUrl + "/q/health/ready", true);
        Uni<Readiness> deploy = probe("deploy-controller", deployUrl + "/q/health/ready", true);
        Uni<List<Readiness>> models = catalog.statuses().map(statuses -> statuses.stream()
                .map(s -> new Readiness("model " + s.name(), s.ready(), s.ready() ? "" : s.detail())).toList());
        return Uni.combine().all().unis(gateway, nginx, mirror, deploy, models).asTuple().map(t -> {
            List<Readiness> all = new ArrayList<>(List.of(t.getItem1(), t.getItem2(), t.getItem3(), t.getItem4()));
            all.addAll(t.getItem5());
            return all;
        });
    }

    private Uni<Readiness> probe(String service, String url, boolean quarkusHealth) {
        return client.getAbs(url).timeout(5_000).send().map(response -> {
            if (!quarkusHealth) {
                return new Readiness(service, response.statusCode() == 200,
                        response.statusCode() == 200 ? "" : "HTTP " + response.statusCode());
            }
            try {
                return down(service, json.readTree(response.bodyAsString()), response.statusCode());
            } catch (IOException | RuntimeException e) {
                return new Readiness(service, false, "HTTP " + response.statusCode() + ", not a health document");
            }
        }).onFailure().recoverWithItem(failure -> new Readiness(service, false, "no answer: " + failure.getMessage()));
    }

    private Readiness quarkus(String service, SmallRyeHealth health) {
        try {
            return down(service, json.readTree(health.getPayload().toString()), health.isDown() ? 503 : 200);
        } catch (IOException e) {
            return new Readiness(service, !health.isDown(), "");
        }
    }

    /** UP, or DOWN with each DOWN check's name and data. */
    private static Readiness down(String service, JsonNode health, int status) {
        boolean up = status == 200 && "UP".equals(health.path("status").asText());
        List<String> reasons = new ArrayList<>();
        for (JsonNode check : health.path("checks")) {
            if (!"UP".equals(check.path("status").asText())) {
                reasons.add(check.path("name").asText() + (check.has("data") ? " " + check.get("data") : ""));
            }
        }
        return new Readiness(service, up, up ? "" : reasons.isEmpty() ? "HTTP " + status : String.join("; ", reasons));
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
