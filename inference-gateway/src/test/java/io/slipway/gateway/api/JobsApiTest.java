package io.slipway.gateway.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.JsonConfig;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import io.restassured.response.Response;
import io.slipway.gateway.testing.ModelStack;
import io.slipway.testsupport.Oip;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The jobs API end to end: gateway -> real nginx -> real sample model, with the embedded store. */
@QuarkusTest
@WithTestResource(ModelStack.class)
class JobsApiTest {

    @BeforeAll
    static void numbersAsDoubles() {
        RestAssured.config = RestAssured.config().jsonConfig(JsonConfig.jsonConfig()
                .numberReturnType(JsonPathConfig.NumberReturnType.DOUBLE));
    }

    static String awaitStatus(String id, String status) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() ->
                given().get("/jobs/" + id).then().statusCode(200).extract().path("status").equals(status));
        return id;
    }

    static String submit(String body) {
        return given().contentType("application/json").body(body).post("/jobs")
                .then().statusCode(202).extract().path("id");
    }

    @Test
    void acceptedJobRunsOnTheModelAndItsResultIsTheModelsAnswer() {
        Response accepted = given().contentType("application/json")
                .body(Oip.job("sample-model", Oip.request(new double[][] {{1, 2, 3, 4}, {0, 0, 0, 0}}, 0)))
                .post("/jobs");
        accepted.then().statusCode(202)
                .body("status", equalTo("queued"))
                .body("model", equalTo("sample-model"))
                .body("links.result", containsString("/result"));
        String id = accepted.path("id");
        assertEquals("/jobs/" + id, java.net.URI.create(accepted.header("Location")).getPath());
        awaitStatus(id, "succeeded");
        given().get("/jobs/" + id).then()
                .body("attempts", equalTo(1))
                .body("startedAt", notNullValue())
                .body("finishedAt", notNullValue());
        given().get("/jobs/" + id + "/result").then().statusCode(200)
                .body("model_name", equalTo("sample-model"))
                .body("outputs.find { it.name == 'probability' }.shape", equalTo(List.of(2, 1)))
                .body("outputs.find { it.name == 'probability' }.data[0]",
                        closeTo(Oip.probability(1, 2, 3, 4), 1e-5))
                .body("outputs.find { it.name == 'probability' }.data[1]",
                        closeTo(Oip.probability(0, 0, 0, 0), 1e-5));
    }

    @Test
    void putWithTheSameIdFiveTimesMakesOneJob() {
        String id = "client-" + UUID.randomUUID();
        String body = Oip.job("sample-model", Oip.request(new double[][] {{1, 1, 1, 1}}, 0));
        given().contentType("application/json").body(body).put("/jobs/" + id).then().statusCode(202)
                .body("id", equalTo(id));
        for (int i = 0; i < 4; i++) {
            given().contentType("application/json").body(body).put("/jobs/" + id).then()
                    .statusCode(200).body("id", equalTo(id));
        }
        awaitStatus(id, "succeeded");
        given().get("/jobs/" + id).then().body("attempts", equalTo(1));
        given().contentType("application/json")
                .body(Oip.job("sample-model", Oip.request(new double[][] {{2, 2, 2, 2}}, 0)))
                .put("/jobs/" + id).then().statusCode(409).contentType("application/problem+json")
                .body("title", equalTo("Job id taken"));
        given().contentType("application/json").body(body).put("/jobs/" + id).then().statusCode(200)
                .body("status", equalTo("succeeded"));
    }

    @Test
    void arbitraryJsonIsMappedToTensorsPerRequestOrByTheModelsConfiguredMapping() {
        String perRequest = "{\"model\":\"sample-model\",\"input\":{\"batch\":[{\"a\":1,\"f\":[2,3],\"d\":4},"
                + "{\"a\":0,\"f\":[0,0],\"d\":1}]},\"mapping\":{\"records\":\"/batch\",\"inputs\":[{\"name\":\"input\","
                + "\"datatype\":\"FP32\",\"fields\":[\"a\",\"f\",\"/d\"]}]}}";
        String mapped = submit(perRequest);
        String configured = submit("{\"model\":\"sample-model\",\"input\":{\"x0\":0.5,\"x1\":1,\"x2\":-1,\"x3\":2}}");
        awaitStatus(mapped, "succeeded");
        awaitStatus(configured, "succeeded");
        given().get("/jobs/" + mapped + "/result").then()
                .body("outputs.find { it.name == 'probability' }.data[0]",
                        closeTo(Oip.probability(1, 2, 3, 4), 1e-5))
                .body("outputs.find { it.name == 'probability' }.data[1]",
                        closeTo(Oip.probability(0, 0, 0, 1), 1e-5));
        given().get("/jobs/" + configured + "/result").then()
                .body("outputs.find { it.name == 'probability' }.data[0]",
                        closeTo(Oip.probability(0.5, 1, -1, 2), 1e-5));
    }

    @Test
    void addJobAliasTakesTheDataAsTheInput() {
        Response response = given().contentType("application/json").body("{\"x0\":1,\"x1\":0,\"x2\":0,\"x3\":0}")
                .post("/data/add-job");
        response.then().statusCode(202).body("model", equalTo("sample-model"));
        String id = response.path("id");
        awaitStatus(id, "succeeded");
        given().get("/jobs/" + id + "/result").then()
                .body("outputs.find { it.name == 'probability' }.data[0]",
                        closeTo(Oip.probability(1, 0, 0, 0), 1e-5));
    }

    @Test
    void canceledRunningJobStaysCanceledAndHasNoResult() {
        String id = submit(Oip.job("sample-model", Oip.request(new double[][] {{1, 1, 1, 1}}, 4000)));
        awaitStatus(id, "running");
        given().get("/jobs/" + id + "/result").then().statusCode(409).body("title", equalTo("Job not finished"));
        given().post("/jobs/" + id + "/cancel").then().statusCode(200).body("status", equalTo("canceled"));
        given().post("/jobs/" + id + "/cancel").then().statusCode(200).body("status", equalTo("canceled"));
        given().get("/jobs/" + id + "/result").then().statusCode(409).contentType("application/problem+json")
                .body("detail", containsString("canceled"));
        String done = awaitStatus(submit(Oip.job("sample-model", Oip.request(new double[][] {{0, 0, 0, 0}}, 0))),
                "succeeded");
        given().post("/jobs/" + done + "/cancel").then().statusCode(409).body("title", equalTo("Job already finished"));
        given().post("/jobs/nope-" + UUID.randomUUID() + "/cancel").then().statusCode(404);
    }

    @Test
    void listsJobsNewestFirstFilteredAndPaged() {
        String first = awaitStatus(submit(Oip.job("sample-model", Oip.request(new double[][] {{1, 0, 0, 0}}, 0))),
                "succeeded");
        String second = awaitStatus(submit(Oip.job("sample-model", Oip.request(new double[][] {{2, 0, 0, 0}}, 0))),
                "succeeded");
        JsonPath page = given().queryParam("model", "sample-model").queryParam("status", "succeeded")
                .queryParam("limit", 1).get("/jobs").then().statusCode(200)
                .body("jobs", hasSize(1)).body("next", notNullValue()).extract().jsonPath();
        assertEquals(second, page.getString("jobs[0].id"));
        given().get(page.getString("next")).then().statusCode(200).body("jobs[0].id", equalTo(first))
                .body("jobs[0].status", equalTo("succeeded"));
        given().queryParam("status", "queued").get("/jobs").then().statusCode(200)
                .body("jobs.id", not(hasItem(first)));
        given().queryParam("status", "done").get("/jobs").then().statusCode(400)
                .contentType("application/problem+json").body("title", equalTo("Invalid query parameter"))
                .body("type", equalTo("https://slipway.dev/problems/invalid-query"));
        given().queryParam("cursor", "!!").get("/jobs").then().statusCode(400);
    }

    @Test
    void modelsListsReachableModelsAndTheirReadiness() {
        given().get("/models").then().statusCode(200)
                .body("models.find { it.name == 'sample-model' }.ready", equalTo(true))
                .body("models.find { it.name == 'sample-model' }.mapping", equalTo(true))
                .body("models.find { it.name == 'broken-model' }.ready", equalTo(false));
        given().get("/jobs/unknown-" + UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json").body("title", equalTo("Unknown job"));
    }

    @Test
    void syncInferencePassesThroughNginxToTheModel() {
        given().contentType("application/json").body(Oip.request(new double[][] {{1, 2, 3, 4}}, 0))
                .post("/v2/models/sample-model/infer").then().statusCode(200)
                .body("outputs.find { it.name == 'probability' }.data[0]",
                        closeTo(Oip.probability(1, 2, 3, 4), 1e-5));
        given().get("/v2/models/sample-model/ready").then().statusCode(200).body("ready", equalTo(true));
        given().get("/v2/models/sample-model").then().statusCode(200).body("inputs[0].name", equalTo("input"));
        given().contentType("application/json").body("{\"inputs\":[]}").post("/v2/models/sample-model/infer")
                .then().statusCode(400);
        given().contentType("application/json").body("{}").post("/v2/models/broken-model/infer")
                .then().statusCode(502);
        given().contentType("application/json").body("{}").post("/v2/models/Bad..Name/infer")
                .then().statusCode(400).contentType("application/problem+json")
                .body("title", equalTo("Invalid model name"));
        given().contentType("application/json").body("{}").post("/v2/models/other-model/infer")
                .then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void aModelNameIsRoutedToTheServiceThePublishedIndexNames() {
        given().contentType("application/json").body(Oip.request(new double[][] {{1, 2, 3, 4}}, 0))
                .post("/v2/models/large-model/infer").then().statusCode(200)
                .body("model_name", equalTo("large-model"))
                .body("outputs.find { it.name == 'probability' }.data[0]",
                        closeTo(Oip.probability(1, 2, 3, 4), 1e-5));
        given().contentType("application/json").body(Oip.request(new double[][] {{1, 2, 3, 4}}, 0))
                .post("/v2/models/large-model/versions/1/infer").then().statusCode(200)
                .body("model_version", equalTo("1"));
        given().contentType("application/json").body(Oip.request(new double[][] {{1, 2, 3, 4}}, 0))
                .post("/v2/models/large-model/versions/9/infer").then().statusCode(404);
        given().contentType("application/json").body("{}").post("/v2/models/large-model/versions/..%2Fx/infer")
                .then().statusCode(400);
        given().get("/v2/models/large-model/ready").then().statusCode(200).body("name", equalTo("large-model"));
        String id = submit(Oip.job("large-model", Oip.request(new double[][] {{1, 2, 3, 4}}, 0)));
        awaitStatus(id, "succeeded");
        given().get("/jobs/" + id + "/result").then().statusCode(200).body("model_name", equalTo("large-model"));
        given().get("/models").then().statusCode(200)
                .body("models.find { it.name == 'large-model' }.service", equalTo("sample-model"))
                .body("models.find { it.name == 'large-model' }.concurrency", equalTo(2))
                .body("models.find { it.name == 'large-model' }.ready", equalTo(true));
    }

    @Test
    void serverLevelHealthAndTheModelIndexAreAnswered() {
        given().get("/v2/health/live").then().statusCode(200).body("live", equalTo(true));
        // broken-model has no server behind nginx: the gateway is not ready as a whole, and says which model.
        given().get("/v2/health/ready").then().statusCode(503).body("notReady", equalTo(List.of("broken-model")));
        given().get("/v2/repository/index").then().statusCode(200)
                .body("find { it.name == 'large-model' }.service", equalTo("sample-model"))
                .body("find { it.name == 'large-model' }.state", equalTo("READY"))
                .body("find { it.name == 'broken-model' }.state", equalTo("UNAVAILABLE"));
        given().post("/v2/repository/index").then().statusCode(200).body("name", hasItem("sample-model"));
    }

    @Test
    void healthAndMetricsAreReal() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'job-store' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'job-store' }.data.store", containsString("jdbc:h2:file:"));
        awaitStatus(submit(Oip.job("sample-model", Oip.request(new double[][] {{1, 0, 0, 0}}, 0))), "succeeded");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/metrics").then().statusCode(200)
                .body(containsString("gateway_jobs_submitted_total{model=\"sample-model\"}"))
                .body(containsString("gateway_jobs_latency_seconds_count{model=\"sample-model\",status=\"succeeded\"}"))
                .body(containsString("gateway_jobs_dispatch_latency_seconds_count{model=\"sample-model\"}"))
                .body(containsString("gateway_jobs_queue_depth{model=\"sample-model\"}"))
                .body(containsString("gateway_jobs{model=\"sample-model\",status=\"succeeded\"}")));
    }
}
