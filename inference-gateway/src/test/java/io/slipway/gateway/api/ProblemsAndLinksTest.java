package io.slipway.gateway.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.slipway.gateway.error.GatewayError;
import io.slipway.gateway.testing.ModelStack;
import io.slipway.testsupport.Oip;
import java.net.URI;
import org.junit.jupiter.api.Test;

/**
 * Links a client can follow behind a proxy, and errors a client can branch on: every problem has a declared type,
 * and none shows a class name.
 */
@QuarkusTest
@WithTestResource(ModelStack.class)
class ProblemsAndLinksTest {

    private static final String JOB = Oip.job("sample-model", Oip.request(new double[][] {{1, 2, 3, 4}}, 0));

    @Test
    void locationAndLinksKeepTheSchemeHostAndPortNginxForwards() {
        Response accepted = given().header("X-Forwarded-Proto", "https")
                .header("X-Forwarded-Host", "models.example.com:8443")
                .contentType("application/json").body(JOB).post("/jobs");
        accepted.then().statusCode(202);
        String id = accepted.path("id");
        String self = "https://models.example.com:8443/jobs/" + id;
        assertEquals(self, accepted.header("Location"));
        accepted.then().body("links.self", equalTo(self))
                .body("links.result", equalTo(self + "/result"))
                .body("links.events", equalTo(self + "/events"))
                .body("links.cancel", equalTo(self + "/cancel"));
        given().header("X-Forwarded-Host", "127.0.0.1:18080").get("/jobs/" + id).then().statusCode(200)
                .body("links.self", equalTo("http://127.0.0.1:18080/jobs/" + id));
    }

    @Test
    void withoutAProxyTheLinksAreTheAddressTheClientUsed() {
        Response accepted = given().contentType("application/json").body(JOB).post("/jobs");
        URI location = URI.create(accepted.header("Location"));
        assertEquals("http", location.getScheme());
        assertEquals(io.restassured.RestAssured.port, location.getPort());
        given().get(location).then().statusCode(200).body("id", equalTo(accepted.path("id")));
        given().queryParam("limit", 1).get("/jobs").then().statusCode(200)
                .body("jobs[0].links.self", startsWith("http://localhost:" + io.restassured.RestAssured.port + "/"));
    }

    @Test
    void everyRefusalHasItsDeclaredTypeTitleAndStatus() {
        problem(given().contentType("application/json").body("{\"model\":").post("/jobs"),
                GatewayError.MALFORMED_JSON);
        problem(given().contentType("application/json").body("{\"model\":\"nope\",\"input\":{}}").post("/jobs"),
                GatewayError.UNKNOWN_MODEL);
        problem(given().get("/jobs/no-such-job"), GatewayError.UNKNOWN_JOB);
        problem(given().get("/jobs/-bad-"), GatewayError.INVALID_JOB_ID);
        problem(given().queryParam("cursor", "!!").get("/jobs"), GatewayError.INVALID_QUERY);
        problem(given().contentType("text/plain").body("hello").post("/jobs"), GatewayError.UNSUPPORTED_MEDIA_TYPE);
        problem(given().delete("/jobs"), GatewayError.METHOD_NOT_ALLOWED);
        problem(given().get("/no/such/route"), GatewayError.NOT_FOUND)
                .body("detail", containsString("GET /no/such/route"));
        problem(given().contentType("application/json").body("{}").post("/v2/models/nope/infer"),
                GatewayError.UNKNOWN_MODEL);
        problem(given().contentType("application/json").body(Oip.request(new double[][] {{1, 2, 3, 4}}, 0))
                .post("/v2/models/broken-model/infer"), GatewayError.MODEL_UNREACHABLE);
    }

    @Test
    void anUnexpectedErrorIsLoggedUnderAReferenceAndNoClassNameReachesTheClient() {
        jakarta.ws.rs.core.Response answer = new ApiErrors().unexpected(
                new IllegalStateException("secret internal state at com.example.Thing"));
        Problems.Problem problem = (Problems.Problem) answer.getEntity();
        assertEquals(500, answer.getStatus());
        assertEquals(GatewayError.TYPE_BASE + "internal", problem.type());
        org.hamcrest.MatcherAssert.assertThat(problem.detail(), not(containsString("IllegalStateException")));
        org.hamcrest.MatcherAssert.assertThat(problem.detail(), not(containsString("secret")));
        org.hamcrest.MatcherAssert.assertThat(problem.detail(), containsString("reference "));
    }

    private static io.restassured.response.ValidatableResponse problem(Response response, GatewayError error) {
        return response.then().statusCode(error.status()).contentType("application/problem+json")
                .body("type", equalTo(GatewayError.TYPE_BASE + error.code()))
                .body("title", equalTo(error.title()))
                .body("status", equalTo(error.status()))
                .body("detail", not(containsString("Exception")));
    }
}
