package dev.opencomputer.server.console;

import dev.opencomputer.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;

/**
 * The installed headless Chromium driven through its chromedriver (both from the OS packages that
 * {@code bin/test} installs; never downloaded). Waits go through {@link Await}; reads of elements
 * that the page is re-rendering count as "not yet".
 */
final class Browser implements AutoCloseable {

    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final ChromeDriver driver;

    Browser() {
        Path chromium = executable("OC_TEST_CHROMIUM", "/usr/bin/chromium");
        Path chromedriver = executable("OC_TEST_CHROMEDRIVER", "/usr/bin/chromedriver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,1000", "--no-first-run", "--disable-extensions", "--lang=en-GB");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort().build();
        this.driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
    }

    /** Fails (never skips) when the browser is missing: bin/test installs it (bin/lib/browser.sh). */
    private static Path executable(String variable, String fallback) {
        String configured = System.getenv(variable);
        Path path = Path.of(configured == null || configured.isBlank() ? fallback : configured);
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException(path + " is missing: run the tests through bin/test, which installs "
                    + "Debian's chromium and chromium-driver (bin/lib/browser.sh), or set " + variable);
        }
        return path;
    }

    void open(String url) {
        driver.get(url);
    }

    ChromeDriver driver() {
        return driver;
    }

    Object script(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** The text of the first element matching {@code css}, or "" while there is none. */
    String text(String css) {
        try {
            List<WebElement> found = all(css);
            return found.isEmpty() ? "" : found.getFirst().getText();
        } catch (WebDriverException e) {
            return "";
        }
    }

    /** The texts of every element matching {@code css} (empty while the page re-renders them). */
    List<String> texts(String css) {
        try {
            return all(css).stream().map(WebElement::getText).toList();
        } catch (WebDriverException e) {
            return List.of();
        }
    }

    String awaitText(String css, Predicate<String> done, String what) {
        return Await.value(WAIT, what, () -> text(css), done);
    }

    String awaitText(String css, String contained) {
        return awaitText(css, text -> text.contains(contained), css + " shows \"" + contained + "\"");
    }

    List<String> awaitTexts(String css, Predicate<List<String>> done, String what) {
        return Await.value(WAIT, what, () -> texts(css), done);
    }

    WebElement await(String css) {
        Await.until(WAIT, css + " is shown", () -> {
            try {
                List<WebElement> found = all(css);
                return !found.isEmpty() && found.getFirst().isDisplayed();
            } catch (WebDriverException e) {
                return false;
            }
        });
        return all(css).getFirst();
    }

    void click(String css) {
        WebElement element = await(css);
        Await.until(WAIT, css + " is enabled", element::isEnabled);
        element.click();
    }

    void type(String css, String text) {
        WebElement element = await(css);
        element.clear();
        element.sendKeys(text);
    }

    void choose(String css, String visibleTextOrValue) {
        Select select = new Select(await(css));
        Await.until(WAIT, css + " offers " + visibleTextOrValue, () -> select.getOptions().stream()
                .anyMatch(o -> o.getText().contains(visibleTextOrValue) || visibleTextOrValue.equals(o.getDomProperty("value"))));
        select.getOptions().stream()
                .filter(o -> o.getText().contains(visibleTextOrValue) || visibleTextOrValue.equals(o.getDomProperty("value")))
                .findFirst().orElseThrow().click();
    }

    /** Whether a JavaScript dialog (alert, confirm, prompt) is open. */
    boolean dialogOpen() {
        try {
            driver.switchTo().alert();
            return true;
        } catch (NoAlertPresentException e) {
            return false;
        }
    }

    /** Signs in on the console at {@code baseUrl} with a tenant API key. */
    void signIn(String baseUrl, String apiKey) {
        open(baseUrl + "/console/");
        type("#api-key", apiKey);
        click("#signin");
        await("#nav");
    }

    /** Saves a screenshot under target/console-screenshots/ and returns where. */
    Path screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path file = SCREENSHOTS.resolve(name + ".png");
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        return file;
    }

    /** Console messages of the page at SEVERE level (script errors, CSP violations, failed loads). */
    List<String> severeLogs() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                .map(LogEntry::getMessage).toList();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
