package io.slipway.deploy.rollout;

import io.slipway.deploy.config.DeployConfig;
import io.slipway.deploy.proxy.Route;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP checks of model traffic: through nginx (which color answers), a new container's own readiness and its own
 * counters of the inference requests it answered (a canary's error rate).
 */
@ApplicationScoped
public class TrafficCheck {

    /** Set by the route nginx gets from the controller on every answer of a model service. */
    public static final String COLOR_HEADER = "X-Slipway-Color";
    private static final String READY_PATH = "/v2/health/ready";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);
    /** How often {@link #servesColor} asks again: nginx's reload takes tens of ms, so each poll is time lost. */
    private static final Duration POLL = Duration.ofMillis(20);
    /** A model that is up answers its readiness at once; one that is loading must not hold the health gate's poll. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    /** Where a model serves its Prometheus metrics (Quarkus' default; a model's HTTP server counts its answers). */
    public static final String METRICS_PATH = "/q/metrics";
    /** One HTTP server answer counter: its labels (values may hold braces: {@code uri="/v2/models/{name}/infer"}). */
    private static final Pattern ANSWERS = Pattern.compile(
            "^http_server_requests_seconds_count\\{((?:\"[^\"]*\"|[^\"}])*)\\}\\s+([0-9.eE+]+)", Pattern.MULTILINE);
    private static final Pattern INFER_URI = Pattern.compile("uri=\"[^\"]*/infer\"");
    private static final Pattern STATUS = Pattern.compile("status=\"(\\d{3})\"");

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

    /** Inference requests answered and failed (5xx) so far, as counted by the model containers themselves. */
    public record Tally(long requests, long errors) {

        /** What was counted after {@code earlier}. */
        public Tally since(Tally earlier) {
            return new Tally(requests - earlier.requests, errors - earlier.errors);
        }

        /** Failed share of the requests; 0 when there were none. */
        public double errorRate() {
            return requests == 0 ? 0 : (double) errors / requests;
        }
    }

    /**
     * Sums the inference answers ({@code POST .../infer}) each of {@code backends} has counted in its metrics
     * ({@link #METRICS_PATH}, {@code http_server_requests_seconds_count}); {@link DeployFailure} when one cannot be read.
     */
    public Tally inferTally(List<Route.Backend> backends) {
        long requests = 0;
        long errors = 0;
        for (Route.Backend b : backends) {
            URI uri = URI.create("http://" + b.host() + ":" + b.port() + METRICS_PATH);
            HttpResponse<String> response = get(uri, REQUEST_TIMEOUT, HttpResponse.BodyHandlers.ofString());
            if (response == null || response.statusCode() != 200) {
                throw new DeployFailure("cannot read the inference counters of " + b.host() + ":" + b.port() + " at "
                        + METRICS_PATH + (response == null ? " (no answer)" : " (HTTP " + response.statusCode() + ")"),
                        null);
            }
            Matcher m = ANSWERS.matcher(response.body());
            while (m.find()) {
                if (!INFER_URI.matcher(m.group(1)).find()) {
                    continue;
                }
                long count = (long) Double.parseDouble(m.group(2));
                requests += count;
                Matcher status = STATUS.matcher(m.group(1));
                if (status.find() && status.group(1).startsWith("5")) {
                    errors += count;
                }
            }
        }
        return new Tally(requests, errors);
    }

    private HttpResponse<Void> get(URI uri) {
        return get(uri, REQUEST_TIMEOUT);
    }

    private HttpResponse<Void> get(URI uri, Duration timeout) {
        return get(uri, timeout, HttpResponse.BodyHandlers.discarding());
    }

    /** One GET; null when it gets no answer. */
    private <T> HttpResponse<T> get(URI uri, Duration timeout, HttpResponse.BodyHandler<T> body) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(), body);
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
