package io.slipway.deploy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ModelProxy} must do, against a real proxy that serves service {@code sample-model} (reachable as
 * DNS name {@code sample-model:8000}) and answers on {@link #baseUrl()}.
 */
public abstract class ModelProxyContract {

    protected abstract ModelProxy proxy();

    protected abstract String baseUrl();

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> ready() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/models/sample-model/v2/health/ready"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void appliesRoutesAndKeepsTheLiveOneWhenANewOneIsRejected() throws Exception {
        Route seeded = proxy().current("sample-model").orElseThrow();
        assertEquals(List.of(new Route.Backend("sample-model", 8000)), seeded.backends());
        assertTrue(proxy().current("no-such-service").isEmpty());

        Route blue = new Route("sample-model", "blue", "d-contract-1", List.of(new Route.Backend("sample-model", 8000)));
        proxy().apply(blue);
        assertEquals(blue, proxy().current("sample-model").orElseThrow());
        // A reload is asynchronous: the new workers take over within moments (a loaded machine: seconds).
        HttpResponse<String> answer = ready();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!"blue".equals(answer.headers().firstValue("X-Slipway-Color").orElse(""))
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
            answer = ready();
        }
        assertEquals(200, answer.statusCode());
        assertEquals("blue", answer.headers().firstValue("X-Slipway-Color").orElse(""));

        // A backend that does not resolve: the proxy must refuse it and keep serving blue.
        Route broken = new Route("sample-model", "green", "d-contract-2",
                List.of(new Route.Backend("slipway-t-deploy-no-such-host", 8000)));
        assertThrows(ProxyException.class, () -> proxy().apply(broken));
        assertEquals(blue, proxy().current("sample-model").orElseThrow());
        answer = ready();
        assertEquals(200, answer.statusCode());
        assertEquals("blue", answer.headers().firstValue("X-Slipway-Color").orElse(""));

        assertTrue(proxy().awaitDrained(List.of(new Route.Backend("sample-model", 8000)), Duration.ofSeconds(30)),
                "nothing in flight to the model");

        // A canary's split route: two colors' servers with weights (here both name the one model) is taken, read
        // back with its weights, and served.
        Route split = Route.split(blue, new Route("sample-model", "green", "d-contract-3",
                List.of(new Route.Backend("sample-model", 8000))), 10);
        proxy().apply(split);
        assertEquals(split, proxy().current("sample-model").orElseThrow());
        assertEquals(List.of(90, 10), proxy().current("sample-model").orElseThrow().backends().stream()
                .map(Route.Backend::weight).toList());
        assertTrue(proxy().live("sample-model"), "nginx runs the split route as written");
        assertEquals(200, ready().statusCode());
        proxy().apply(blue);
        assertEquals(blue, proxy().current("sample-model").orElseThrow());
    }
}
