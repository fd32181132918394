package io.slipway.gateway.console;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.slipway.gateway.error.GatewayError;
import io.slipway.gateway.testing.ModelStack;
import io.slipway.gateway.web.WebJars;
import io.slipway.testsupport.Oip;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The console's parts without the rest of the stack: what it shows of this gateway, nginx and the models, how it
 * reports services that do not answer, and that deploy data needs the deploy token. The whole console on the
 * compose stack is the end-to-end ConsoleBrowserIT.
 */
@QuarkusTest
@WithTestResource(ModelStack.class)
class ConsoleTest {

    @Inject
    QueueHistory queues;
    @Inject
    MeterRegistry registry;

    @Test
    void thePageLoadsHtmxAndUplotFromWebjars() {
        String page = given().get("/console").then().statusCode(200).extract().asString();
        assertTrue(page.contains(WebJars.HTMX) && page.contains(WebJars.UPLOT_JS), page);
        assertTrue(page.contains("id=\"deploy-token\""), page);
        given().get(WebJars.UPLOT_JS).then().statusCode(200).body(containsString("uPlot"));
    }

    @Test
    void readinessShowsEachServiceAndWhyOneIsDown() {
        String table = given().get("/console/readiness").then().statusCode(200).extract().asString();
        assertTrue(table.contains("<tr data-service=\"inference-gateway\" data-up=\"true\">"), table);
        assertTrue(table.contains("<tr data-service=\"nginx\" data-up=\"true\">"), table);
        assertTrue(table.contains("<tr data-service=\"model sample-model\" data-up=\"true\">"), table);
        // No mirror or deploy controller in this test: DOWN, with the reason.
        assertTrue(table.contains("<tr data-service=\"mirror-service\" data-up=\"false\">"), table);
        assertTrue(table.contains("<tr data-service=\"model broken-model\" data-up=\"false\">"), table);
        int mirror = table.indexOf("data-service=\"mirror-service\"");
        assertTrue(table.substring(mirror, table.indexOf("</tr>", mirror)).contains("no answer"), table);
    }

    @Test
    void deployDataNeedsTheDeployTokenAndATokenIsNeverEchoed() {
        given().get("/console/services").then().statusCode(403).contentType("application/problem+json")
                .body("type", equalTo(GatewayError.DEPLOY_TOKEN_REJECTED.type().toString()));
        given().post("/console/services/sample-model/rollback").then().statusCode(403);
        given().accept("text/event-stream").get("/console/deploys/abc/log").then().statusCode(403);
        given().header("X-Slipway-Deploy-Token", "s3cret-token").get("/console/deploys").then().statusCode(502)
                .body("type", equalTo(GatewayError.SERVICE_UNAVAILABLE.type().toString()))
                .body("detail", not(containsString("s3cret-token")));
        given().get("/console/mirror").then().statusCode(200).body(containsString("Mirror unavailable"));
    }

    @Test
    void aFinishedJobShowsInTheNextQueuePoint() {
        queues.sample(Instant.now());
        int before = queues.lastHour().get("sample-model").size();
        long finishedBefore = finishedJobs();
        String id = given().contentType("application/json").body(Oip.job("sample-model",
                Oip.request(new double[][] {{1, 2, 3, 4}}, 50))).post("/jobs").then().statusCode(202)
                .extract().path("id");
        await().atMost(Duration.ofSeconds(30)).until(() ->
                "succeeded".equals(given().get("/jobs/" + id).then().extract().path("status")));
        // The dispatcher records the job's latency just after the store has it succeeded: wait for that too.
        await().atMost(Duration.ofSeconds(30)).until(() -> finishedJobs() > finishedBefore);
        queues.sample(Instant.now());
        List<Map<String, Object>> points = given().get("/console/queues").then().statusCode(200).extract()
                .jsonPath().getList("'sample-model'");
        assertTrue(points.size() >= before + 1, points.toString());
        // The job is counted in the first point sampled after it finished: this test's, or the 10 s timer's when
        // that one ticked in between (it then took the job, and this test's point shows none).
        List<Map<String, Object>> since = points.subList(before, points.size());
        assertTrue(since.stream().anyMatch(p -> ((Number) p.get("finishedPerMinute")).doubleValue() > 0),
                since.toString());
        Map<String, Object> last = points.get(points.size() - 1);
        assertTrue(((Number) last.get("p99Ms")).doubleValue() > 0, "latency is measured: " + last);
    }

    private long finishedJobs() {
        return registry.find("gateway.jobs.latency").tag("model", "sample-model").timers().stream()
                .mapToLong(Timer::count).sum();
    }

    @Test
    void mirrorFiguresComeFromItsCounters() {
        String metrics = """
                # TYPE mirror_cache_requests_total counter
                mirror_cache_requests_total{kind="BLOB",result="hit"} 6.0
                mirror_cache_requests_total{kind="MANIFEST",result="hit"} 2.0
                mirror_cache_requests_total{kind="BLOB",result="miss"} 2.0
                mirror_bytes_served_total{source="store"} 3000.0
                mirror_bytes_served_total{source="upstream"} 1000.0
                mirror_bytes_served_total{source="manifest"} 200.0
                mirror_upstream_bytes_fetched_total{upstream="docker.io"} 1100.0
                # TYPE mirror_storage_stored_bytes gauge
                mirror_storage_stored_bytes 5.0E9
                mirror_storage_cached_bytes 4.5E9
                """;
        MirrorFigures.Figures figures = MirrorFigures.parse(metrics, List.of("docker.io: reachable"));
        assertEquals(8, figures.hits());
        assertEquals(2, figures.misses());
        assertEquals("80.0 %", figures.hitRatio());
        assertEquals(4200, figures.served());
        assertEquals(3100, figures.saved());
        assertEquals(5_000_000_000L, figures.storedBytes());
        assertEquals(4_500_000_000L, figures.cachedBytes());
    }
}
