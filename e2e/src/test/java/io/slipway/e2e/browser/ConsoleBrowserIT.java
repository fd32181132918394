package io.slipway.e2e.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.slipway.e2e.ComposeStack;
import io.slipway.e2e.Http;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The ops console in a real browser while a deploy runs: every service ready, the model service's color changes
 * and the deploy's log lines arrive on the page as they happen; then a rollback from the page's button. Its own
 * stack, since deploys need a deploy token (the shared stack has none). Screenshot: docs/screenshots/console.png.
 */
class ConsoleBrowserIT {

    private static final String TOKEN = "e2e-console-token";
    private static final String IMAGE = System.getenv().getOrDefault("SAMPLE_MODEL_IMAGE",
            "slipway/sample-model:" + System.getenv().getOrDefault("SLIPWAY_TAG", "latest"));
    private static final Duration WAIT = Duration.ofMinutes(2);
    private static ComposeStack stack;
    private static Browser browser;

    @BeforeAll
    static void up() {
        browser = Browser.start();
        stack = ComposeStack.start("console", Map.of("SLIPWAY_DEPLOY_TOKEN", TOKEN));
    }

    @AfterAll
    static void down() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (stack != null) {
                stack.close();
            }
        }
    }

    @Test
    void aDeployIsSeenLiveAndRolledBackFromThePage() {
        // Some work for the queue plots while the page is open.
        for (int i = 0; i < 24; i++) {
            Http.Reply job = Http.postJson(stack.frontDoor() + "/jobs", "{\"model\":\"sample-model\",\"input\":"
                    + "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\","
                    + "\"data\":[1,2,3,4]}],\"parameters\":{\"latency_ms\":" + (300 + 100 * i) + "}}}");
            assertEquals(202, job.status(), job.body());
        }
        browser.driver.get(stack.frontDoor() + "/console");
        wait(ExpectedConditions.presenceOfElementLocated(By.id("deploy-token")));
        wait(driver -> (Boolean) browser.driver.executeScript("return typeof htmx !== 'undefined'"));
        for (String service : List.of("inference-gateway", "nginx", "mirror-service", "deploy-controller",
                "model sample-model")) {
            wait(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("#readiness tr[data-service='" + service + "'][data-up='true']")));
        }
        // Without the token the page says what is missing, and shows no deploy data.
        assertEquals("Deploy token missing or rejected",
                browser.text(By.cssSelector("#services .problem .title"), WAIT));

        WebElement token = browser.driver.findElement(By.id("deploy-token"));
        token.sendKeys(TOKEN);
        browser.driver.findElement(By.tagName("h1")).click(); // change event: the deploy parts reload
        String before = browser.attribute(By.cssSelector("#services tr[data-service='sample-model']"), "data-color",
                WAIT);
        assertTrue(!browser.driver.getPageSource().contains(TOKEN), "the token is never shown by the page");

        // A deploy whose new color takes 8 s to become ready, so the page sees it running and follows its log before
        // it ends: the page looks for running deploys every 2 s, which a slow machine stretches.
        Http.Reply started = api("POST", "/deploy", "{\"service\":\"sample-model\",\"image\":\"" + IMAGE
                + "\",\"drainTimeout\":\"5s\",\"env\":{\"SAMPLE_MODEL_VERSION\":\"2\","
                + "\"SAMPLE_MODEL_STARTUP_DELAY\":\"8s\"}}");
        assertEquals(202, started.status(), started.body());
        String id = started.json().get("id").asText();
        wait(ExpectedConditions.textToBePresentInElementLocated(By.id("deploy-log-id"), id));
        wait(ExpectedConditions.textMatches(By.id("deploy-log"), java.util.regex.Pattern.compile("\\[\\w+\\]")));
        String early = browser.text(By.id("deploy-log"), WAIT);
        wait(ExpectedConditions.textToBePresentInElementLocated(By.id("deploy-log"), "end SUCCEEDED"));
        String done = browser.text(By.id("deploy-log"), WAIT);
        assertTrue(done.split("\n").length > early.split("\n").length, "lines arrived while it ran:\n" + early
                + "\n---\n" + done);
        String after = waitForColorChange(before);
        JsonNode deploy = api("GET", "/deploys/" + id, null).json();
        assertEquals(deploy.get("color").asText(), after);
        assertEquals("2", versionThroughTheFrontDoor());
        wait(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#deploys tr[data-id='" + id + "'] td.state.SUCCEEDED")));
        wait(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#plots .plot[data-model='sample-model']")));
        browser.screenshot(ComposeStack.repositoryRoot(), "console");

        // Roll back from the page: the button asks first, then the previous color serves again.
        browser.click(By.cssSelector("#services tr[data-service='sample-model'] button.rollback"), WAIT);
        wait(ExpectedConditions.alertIsPresent()).accept();
        assertNotEquals(after, waitForColorChange(after));
        wait(ExpectedConditions.presenceOfElementLocated(By.xpath(
                "//div[@id='deploys']//tr[td[2]='ROLLBACK'][td[contains(@class,'SUCCEEDED')]]")));
        assertEquals("1", versionThroughTheFrontDoor(), "the previous version serves again");
        browser.screenshot(ComposeStack.repositoryRoot(), "console-rollback");
    }

    private static String versionThroughTheFrontDoor() {
        Http.Reply reply = Http.postJson(stack.frontDoor() + "/v2/models/sample-model/infer", "{\"inputs\":[{"
                + "\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[1,2,3,4]}]}");
        assertEquals(200, reply.status(), reply.body());
        return reply.json().get("model_version").asText();
    }

    private static String waitForColorChange(String from) {
        return wait(driver -> {
            String color = driver.findElement(By.cssSelector("#services tr[data-service='sample-model']"))
                    .getAttribute("data-color");
            return color.equals(from) ? null : color;
        });
    }

    private static Http.Reply api(String method, String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.deployController() + path))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json");
        return Http.send(json == null ? request.method(method, HttpRequest.BodyPublishers.noBody())
                : request.method(method, HttpRequest.BodyPublishers.ofString(json)));
    }

    private static <T> T wait(ExpectedCondition<T> condition) {
        return browser.await(condition, WAIT);
    }
}
