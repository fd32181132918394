package io.slipway.e2e.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slipway.e2e.ComposeStack;
import io.slipway.e2e.Http;
import io.slipway.e2e.StackExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * {@code /AddJob} through the front door in a real browser, as a person uses it: a job as OIP JSON and one as a CSV
 * file with a mapping file, each seen going from queued to succeeded without a reload and its numbers checked
 * against the model's formula; a bad input's problem shown on the page. Screenshots go to docs/screenshots/.
 */
@ExtendWith(StackExtension.class)
class AddJobBrowserIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static Browser browser;
    private static Path files;

    /** p = sigmoid(0.5*x0 - 0.25*x1 + 1.0*x2 + 2.0*x3 - 1), computed independently of the model. */
    static double expected(double x0, double x1, double x2, double x3) {
        double z = 0.5 * x0 - 0.25 * x1 + 1.0 * x2 + 2.0 * x3 - 1.0;
        return 1.0 / (1.0 + Math.exp(-z));
    }

    @BeforeAll
    static void start() throws IOException {
        browser = Browser.start();
        files = Files.createTempDirectory("slipway-addjob-");
    }

    @AfterAll
    static void stop() throws IOException {
        if (browser != null) {
            browser.close();
        }
        if (files != null) {
            try (var paths = Files.list(files)) {
                for (Path path : paths.toList()) {
                    Files.delete(path);
                }
            }
            Files.delete(files);
        }
    }

    @Test
    void theFrontDoorLinksTheJobPageAndSwagger(ComposeStack stack) {
        browser.driver.get(stack.frontDoor() + "/");
        wait(ExpectedConditions.elementToBeClickable(By.cssSelector("a.card[href='/AddJob']")));
        assertTrue(browser.driver.findElement(By.cssSelector("table.models")).getText().contains("sample-model"));
        browser.screenshot(ComposeStack.repositoryRoot(), "landing");
        browser.driver.get(stack.frontDoor() + "/swagger");
        wait(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".opblock-summary-path")));
        assertTrue(browser.driver.getPageSource().contains("/jobs/{id}/events"), "Swagger UI lists the routes");
        browser.screenshot(ComposeStack.repositoryRoot(), "swagger");
        browser.driver.get(stack.frontDoor() + "/");
        wait(ExpectedConditions.elementToBeClickable(By.cssSelector("a.card[href='/AddJob']"))).click();
        wait(ExpectedConditions.presenceOfElementLocated(By.id("add-job")));
        assertEquals(stack.frontDoor() + "/AddJob", browser.driver.getCurrentUrl());
    }

    @Test
    void aJsonJobIsSeenRunningToSuccessWithTheRightNumbers(ComposeStack stack) {
        openAddJob(stack);
        WebElement input = browser.driver.findElement(By.id("input"));
        input.clear();
        input.sendKeys("{\"inputs\":[{\"name\":\"input\",\"shape\":[2,4],\"datatype\":\"FP32\","
                + "\"data\":[1,2,3,4,0,0,0,0]}],\"parameters\":{\"latency_ms\":4000}}");
        browser.driver.findElement(By.id("submit")).click();
        WebElement card = wait(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#submission .job")));
        String id = card.getAttribute("data-id");
        // The model takes 4 s: the card is seen before the job finished even when the browser answers slowly.
        List<String> seen = watchStatus(card);
        assertEquals("succeeded", seen.get(seen.size() - 1), "statuses shown: " + seen);
        assertTrue(seen.size() >= 2, "the status changed on the page without a reload: " + seen);
        List<Double> values = probabilities();
        assertEquals(2, values.size(), values.toString());
        assertEquals(expected(1, 2, 3, 4), values.get(0), 1e-4);
        assertEquals(expected(0, 0, 0, 0), values.get(1), 1e-4);
        wait(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#recent tr[data-id='" + id + "'][data-status='succeeded']")));
        browser.screenshot(ComposeStack.repositoryRoot(), "addjob-json");
        Select filter = new Select(browser.driver.findElement(By.id("status-filter")));
        filter.selectByValue("failed");
        wait(ExpectedConditions.not(ExpectedConditions.textToBePresentInElementLocated(By.id("recent"), id)));
        filter.selectByValue("succeeded");
        wait(ExpectedConditions.textToBePresentInElementLocated(By.id("recent"), id));
    }

    @Test
    void aCsvFileWithAMappingFileSucceedsWithOneRowPerRecord(ComposeStack stack) throws IOException {
        Path csv = Files.writeString(files.resolve("rows.csv"), "a,b,c,d\n1,2,3,4\n0.5,1,-1,2\n2,0,0,-1\n");
        Path mapping = Files.writeString(files.resolve("mapping.json"), "{\"inputs\":[{\"name\":\"input\","
                + "\"datatype\":\"FP32\",\"fields\":[\"a\",\"b\",\"c\",\"d\"]}]}");
        openAddJob(stack);
        browser.driver.findElement(By.id("input")).clear();
        browser.driver.findElement(By.id("file")).sendKeys(csv.toString());
        browser.driver.findElement(By.id("mapping-file")).sendKeys(mapping.toString());
        browser.driver.findElement(By.id("submit")).click();
        WebElement card = wait(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#submission .job")));
        List<String> seen = watchStatus(card);
        assertEquals("succeeded", seen.get(seen.size() - 1), "statuses shown: " + seen);
        List<Double> values = probabilities();
        assertEquals(3, values.size(), values.toString());
        assertEquals(expected(1, 2, 3, 4), values.get(0), 1e-4);
        assertEquals(expected(0.5, 1, -1, 2), values.get(1), 1e-4);
        assertEquals(expected(2, 0, 0, -1), values.get(2), 1e-4);
        browser.screenshot(ComposeStack.repositoryRoot(), "addjob-csv");
    }

    @Test
    void aBadInputShowsTheProblemsTitleAndDetail(ComposeStack stack) {
        openAddJob(stack);
        WebElement input = browser.driver.findElement(By.id("input"));
        input.clear();
        input.sendKeys("{\"inputs\": [");
        browser.driver.findElement(By.id("submit")).click();
        WebElement problem = wait(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#submission .problem")));
        assertEquals("Malformed JSON", problem.findElement(By.cssSelector(".title")).getText());
        assertTrue(problem.findElement(By.cssSelector(".detail")).getText().contains("the input is not JSON"),
                problem.getText());
        browser.screenshot(ComposeStack.repositoryRoot(), "addjob-error");
    }

    @Test
    void theLocationOfASubmittedJobCanBeFollowedThroughTheFrontDoor(ComposeStack stack) {
        Http.Reply accepted = Http.postJson(stack.frontDoor() + "/jobs", "{\"model\":\"sample-model\",\"input\":"
                + "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[1,1,1,1]}]}}");
        assertEquals(202, accepted.status(), accepted.body());
        String id = accepted.json().get("id").asText();
        String location = accepted.raw().headers().firstValue("Location").orElseThrow();
        assertEquals(stack.frontDoor() + "/jobs/" + id, location, "scheme, host and port of the front door");
        assertEquals(location, accepted.json().get("links").get("self").asText());
        assertEquals(200, Http.get(location).status());
    }

    private static void openAddJob(ComposeStack stack) {
        browser.driver.get(stack.frontDoor() + "/AddJob");
        wait(ExpectedConditions.presenceOfElementLocated(By.id("add-job")));
        // htmx has loaded once the form's request can be sent; a click before that would do a plain submit.
        wait(driver -> (Boolean) browser.driver.executeScript("return typeof htmx !== 'undefined'"));
    }

    /** The statuses the job card shows, polled until it shows a finished one. */
    private static List<String> watchStatus(WebElement card) {
        List<String> seen = new ArrayList<>();
        wait(driver -> {
            String status = card.getAttribute("data-status");
            if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(status)) {
                seen.add(status);
            }
            return status.equals("succeeded") || status.equals("failed") || status.equals("canceled");
        });
        return seen;
    }

    private static List<Double> probabilities() {
        wait(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#submission tr[data-output='probability'] .value")));
        return browser.driver.findElements(By.cssSelector("#submission tr[data-output='probability'] .value"))
                .stream().map(value -> Double.parseDouble(value.getText())).toList();
    }

    private static <T> T wait(org.openqa.selenium.support.ui.ExpectedCondition<T> condition) {
        return browser.await(condition, WAIT);
    }
}
