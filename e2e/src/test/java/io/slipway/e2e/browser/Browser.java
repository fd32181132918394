package io.slipway.e2e.browser;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slipway.testsupport.Part;
import io.slipway.testsupport.Requirements;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium from Debian's {@code chromium} package, driven through Debian's {@code chromedriver}. Both paths
 * are given to Selenium, so Selenium Manager is never asked (it would download); a machine without them fails the
 * test. Each browser gets a fresh profile directory, removed on close.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    static Browser start() {
        Requirements.require(Part.CHROMIUM, Part.CHROMEDRIVER);
        // Belt and braces: Selenium Manager is not needed with both paths set; never let it run.
        System.setProperty("SE_MANAGER_PATH", "/nonexistent/selenium-manager");
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        try {
            Path profile = Files.createTempDirectory("slipway-chromium-");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,1100",
                    "--user-data-dir=" + profile);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
            return new Browser(driver, profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Polls {@code condition} every 100 ms until it holds. The pages refresh parts of themselves with htmx, so an
     * element found in one step can be replaced before the next reads it: such a stale element counts as "not yet"
     * and the next poll looks it up again, instead of failing the test on a swap that happened to fall in between.
     */
    <T> T await(ExpectedCondition<T> condition, Duration timeout) {
        return new WebDriverWait(driver, timeout).pollingEvery(Duration.ofMillis(100))
                .ignoring(StaleElementReferenceException.class).until(condition);
    }

    /** The text of the element {@code by} finds, found and read in one step (see {@link #await}). */
    String text(By by, Duration timeout) {
        return await(page -> page.findElement(by).getText(), timeout);
    }

    /** An attribute of the element {@code by} finds, found and read in one step (see {@link #await}). */
    String attribute(By by, String name, Duration timeout) {
        return await(page -> page.findElement(by).getAttribute(name), timeout);
    }

    /** Clicks the element {@code by} finds; a stale element throws before the click, so it is found again. */
    void click(By by, Duration timeout) {
        await(page -> {
            page.findElement(by).click();
            return true;
        }, timeout);
    }

    /** Saves the whole page (not only the window) as {@code docs/screenshots/<name>.png} in the repository. */
    void screenshot(Path root, String name) {
        Dimension window = driver.manage().window().getSize();
        long height = (Long) driver.executeScript("return Math.ceil(document.documentElement.scrollHeight)");
        driver.manage().window().setSize(new Dimension(window.getWidth(), (int) Math.min(4000, height + 140)));
        try {
            Path target = root.resolve("docs/screenshots/" + name + ".png");
            Files.createDirectories(target.getParent());
            File shot = driver.getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            driver.manage().window().setSize(window);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                // A leftover temp profile is not worth failing the test for.
            }
        }
    }
}
