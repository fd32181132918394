package io.slipway.gateway.model;

import io.slipway.gateway.config.GatewayConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * {@link ModelClient} over the Vert.x web client, through nginx:
 * {@code <models.url>/models/<service serving the model>/v2/models/<model>/...}.
 */
@ApplicationScoped
public class HttpModelClient implements ModelClient {

    private final WebClient client;
    private final String baseUrl;
    private final ModelDirectory directory;

    public HttpModelClient(Vertx vertx, GatewayConfig config, ModelDirectory directory) {
        this.directory = directory;
        this.baseUrl = config.models().url().replaceAll("/+$", "");
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setKeepAlive(true)
                .setMaxPoolSize(256)
                .setTcpNoDelay(true)
                .setConnectTimeout(5_000));
    }

    @Override
    public Uni<ModelReply> post(String model, String suffix, byte[] body, Duration timeout) {
        return send(request(HttpMethod.POST, model, suffix, timeout).putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(body)), model);
    }

    @Override
    public Uni<ModelReply> get(String model, String suffix, Duration timeout) {
        return send(request(HttpMethod.GET, model, suffix, timeout).send(), model);
    }

    private HttpRequest<Buffer> request(HttpMethod method, String model, String suffix, Duration timeout) {
        ModelNames.requireValid(model);
        String service = directory.serviceOf(model);
        return client.requestAbs(method, baseUrl + "/models/" + service + "/v2/models/" + model + suffix)
                .timeout(Math.max(1, timeout.toMillis()))
                .putHeader("Accept", "application/json");
    }

    private static Uni<ModelReply> send(Uni<io.vertx.mutiny.ext.web.client.HttpResponse<Buffer>> sent, String model) {
        return sent.map(response -> new ModelReply(response.statusCode(),
                        response.body() == null ? new byte[0] : response.body().getBytes(),
                        response.getHeader("Content-Type")))
                .onFailure(failure -> !(failure instanceof ModelUnreachable))
                .transform(failure -> {
                    boolean timedOut = failure instanceof TimeoutException
                            || String.valueOf(failure.getMessage()).contains("timeout period");
                    return new ModelUnreachable("model '" + model + "' " + (timedOut ? "did not answer in time"
                            : "is unreachable") + ": " + failure.getMessage(), timedOut, failure);
                });
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
