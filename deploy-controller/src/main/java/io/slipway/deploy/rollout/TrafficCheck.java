package io.slipway.deploy.rollout;

import io.slipway.deploy.config.DeployConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** HTTP checks of model traffic: through nginx (which color answers) and a new container's own readiness. */
@ApplicationScoped
public class TrafficCheck {

    /** Set by the route nginx gets from the controller on every answer of a model service. */
    public static final String COLOR_HEADER = "X-Slipway-Color";
    private static final String READY_PATH = "/v2/health/ready";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration POLL = Duration.ofMillis(100);
    /** A model that is up answers its readiness at once; one that is loading must not hold the health gate's poll. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
    private final String verifyUrl;

    public TrafficCheck(DeployConfig config) {
        this.verifyUrl = config.nginx().verifyUrl().replaceAll("/+$", "");
    }

    /** True once a readiness request through nginx is answered 200 by {@code color}, within {@code timeout}. */
    public boolean servesColor(String service, String color, Duration timeout) {
        URI uri = URI.create(verifyUrl + "/models/" + service + READY_PATH);
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            HttpResponse<Void> response = get(uri);
            if (response != null && response.statusCode() == 200
                    && color.equals(response.headers().firstValue(COLOR_HEADER).orElse(""))) {
                return true;
            }
        } while (pause(deadline));
        return false;
    }

    /**
     * One OIP readiness probe straight at a container (its DNS name on the project network); false when it does not
     * answer 200 within a second, or cannot be reached (a controller outside the network).
     */
    public boolean ready(String host, int port) {
        HttpResponse<Void> response = get(URI.create("http://" + host + ":" + port + READY_PATH), PROBE_TIMEOUT);
        return response != null && response.statusCode() == 200;
    }

    private HttpResponse<Void> get(URI uri) {
        return get(uri, REQUEST_TIMEOUT);
    }

    private HttpResponse<Void> get(URI uri, Duration timeout) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static boolean pause(long deadline) {
        if (System.nanoTime() - deadline > 0) {
            return false;
        }
        try {
            Thread.sleep(POLL.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
