package io.slipway.gateway.web;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.slipway.gateway.error.GatewayError;
import io.slipway.gateway.testing.ModelStack;
import io.slipway.testsupport.Oip;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The pages for people: the landing page, /AddJob and its fragments, as the browser receives them. */
@QuarkusTest
@WithTestResource(ModelStack.class)
class PagesTest {

    private static final String MAPPING = "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\","
            + "\"fields\":[\"a\",\"b\",\"c\",\"d\"]}]}";

    @Test
    void theFrontDoorLinksEverythingAndListsTheModels() {
        String page = given().get("/").then().statusCode(200).contentType(containsString("text/html"))
                .extract().asString();
        for (String link : List.of("/AddJob", "/console", "/swagger", "/q/health", "/q/metrics")) {
            assertTrue(page.contains("href=\"" + link + "\""), "links " + link);
        }
        assertTrue(page.contains("sample-model") && page.contains("broken-model"), page);
    }

    @Test
    void addJobOffersTheServedModelsAndLoadsHtmxFromTheWebjar() {
        String page = given().get("/AddJob").then().statusCode(200).extract().asString();
        assertTrue(page.contains("<option value=\"sample-model\">"), page);
        assertTrue(page.contains(WebJars.HTMX), page);
        assertTrue(!page.contains("id=\"api-key\""), "no key field while keys are off");
        given().get(WebJars.HTMX).then().statusCode(200).body(containsString("htmx"));
        given().get("/static/addjob.js").then().statusCode(200).body(containsString("/AddJob/jobs/"));
    }

    @Test
    void jsonInputRunsAndItsResultIsATableOfOutputTensors() {
        String card = given().multiPart("model", "sample-model")
                .multiPart("input", "{\"inputs\":[{\"name\":\"input\",\"shape\":[2,4],\"datatype\":\"FP32\","
                        + "\"data\":[1,2,3,4,0,0,0,0]}]}")
                .post("/AddJob/jobs").then().statusCode(200).header("HX-Trigger", "jobSubmitted")
                .contentType(containsString("text/html")).extract().asString();
        String id = attribute(card, "data-id");
        assertTrue(card.contains("data-events=\"/jobs/" + id + "/events\""), card);
        List<Double> values = values(awaitResult(id));
        assertEquals(2, values.size());
        assertEquals(Oip.probability(1, 2, 3, 4), values.get(0), 1e-4);
        assertEquals(Oip.probability(0, 0, 0, 0), values.get(1), 1e-4);
        given().queryParam("status", "succeeded").get("/AddJob/jobs").then().statusCode(200)
                .body(containsString("data-id=\"" + id + "\""));
        given().queryParam("status", "queued").get("/AddJob/jobs").then().statusCode(200)
                .body(not(containsString("data-id=\"" + id + "\"")));
    }

    @Test
    void aCsvFileWithAMappingFileRunsOneRowPerRecord() {
        String card = given().multiPart("model", "sample-model").multiPart("input", "")
                .multiPart("file", "rows.csv", "a,b,c,d\n1,2,3,4\n0.5,1,-1,2\n0,0,0,0\n".getBytes(), "text/csv")
                .multiPart("mappingFile", "mapping.json", MAPPING.getBytes(), "application/json")
                .post("/AddJob/jobs").then().log().ifValidationFails().statusCode(200).extract().asString();
        List<Double> values = values(awaitResult(attribute(card, "data-id")));
        assertEquals(3, values.size());
        assertEquals(Oip.probability(1, 2, 3, 4), values.get(0), 1e-4);
        assertEquals(Oip.probability(0.5, 1, -1, 2), values.get(1), 1e-4);
        assertEquals(Oip.probability(0, 0, 0, 0), values.get(2), 1e-4);
    }

    @Test
    void badInputIsTheProblemAndNothingIsSubmitted() {
        given().multiPart("model", "sample-model").multiPart("input", "{\"inputs\": [")
                .post("/AddJob/jobs").then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo(GatewayError.MALFORMED_JSON.type().toString()))
                .body("detail", containsString("the input is not JSON: Unexpected end-of-input"))
                .body("detail", containsString("(line 1, column 13)"))
                .body("detail", not(containsString("Source")))
                .body("detail", not(containsString("StreamReadFeature")));
        given().multiPart("model", "sample-model").multiPart("input", "")
                .multiPart("file", "rows.csv", "a,b\n1,2\n".getBytes(), "text/csv")
                .post("/AddJob/jobs").then().statusCode(400)
                .body("type", equalTo(GatewayError.INVALID_MAPPING.type().toString()));
        given().multiPart("model", "sample-model").multiPart("input", "")
                .post("/AddJob/jobs").then().statusCode(400)
                .body("detail", containsString("give the input as JSON text or as a file"));
        given().multiPart("model", "nope").multiPart("input", "{}")
                .post("/AddJob/jobs").then().statusCode(404)
                .body("type", equalTo(GatewayError.UNKNOWN_MODEL.type().toString()));
    }

    private static String awaitResult(String id) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                given().get("/jobs/" + id).then().extract().path("status").equals("succeeded"));
        String result = given().get("/AddJob/jobs/" + id + "/result").then().statusCode(200).extract().asString();
        assertTrue(result.contains("<tr data-output=\"probability\">"), result);
        assertTrue(result.contains("class=\"raw\""), result);
        return result;
    }

    private static List<Double> values(String html) {
        int row = html.indexOf("<tr data-output=\"probability\">");
        String cells = html.substring(row, html.indexOf("</tr>", row));
        Matcher matcher = Pattern.compile("<span class=\"value\">([^<]+)</span>").matcher(cells);
        List<Double> values = new java.util.ArrayList<>();
        while (matcher.find()) {
            values.add(Double.parseDouble(matcher.group(1)));
        }
        return values;
    }

    private static String attribute(String html, String name) {
        Matcher matcher = Pattern.compile(name + "=\"([^\"]+)\"").matcher(html);
        assertTrue(matcher.find(), name + " in " + html);
        return matcher.group(1);
    }
}
