package dev.telemetry.stack.console;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in Debian's headless Chromium, driven by Debian's ChromeDriver (paths overridable with
 * {@code -Dchromium.binary} and {@code -Dchromedriver.path}; Selenium Manager never downloads anything). Collects
 * the page's console so a test can assert that no JavaScript error happened, and writes screenshots under
 * {@code console/target/screenshots/} (CI keeps them).
 */
public final class ConsoleBrowser implements AutoCloseable {

    /** Where screenshots go: the console module's target, whichever module's test takes them. */
    public static final Path SCREENSHOTS = Path.of(System.getProperty("console.screenshots",
            Path.of("").toAbsolutePath().resolveSibling("console").resolve("target").resolve("screenshots").toString()));

    private final ChromeDriver chrome;
    private final String base;

    private ConsoleBrowser(ChromeDriver chrome, String base) {
        this.chrome = chrome;
        this.base = base;
    }

    /** Starts Chromium for the console at {@code base} (e.g. {@code http://127.0.0.1:8084}). */
    public static ConsoleBrowser start(String base, Path userDataDir) {
        Path binary = executable("chromium.binary", "/usr/bin/chromium", "chromium");
        Path driver = executable("chromedriver.path", "/usr/bin/chromedriver", "chromium-driver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(binary.toFile());
        options.addArguments(
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                // Without these Chromium keeps dialling Google's hosts, which this network refuses.
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--no-default-browser-check",
                "--user-data-dir=" + userDataDir.toAbsolutePath(),
                "--window-size=1280,900");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(driver.toFile())
                .usingAnyFreePort()
                // Selenium waits 20 s for the driver by default; a loaded 2-core CI box can take longer.
                .withTimeout(Duration.ofSeconds(90))
                .build();
        ChromeDriver chrome = new ChromeDriver(service, options);
        chrome.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        chrome.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return new ConsoleBrowser(chrome, base);
    }

    public ChromeDriver driver() {
        return chrome;
    }

    /** Opens a console path, e.g. {@code /alerts.html?status=firing}. */
    public ConsoleBrowser open(String pathAndQuery) {
        chrome.get(base + pathAndQuery);
        return this;
    }

    /** Waits (generously: a loaded 2-core box) until an element matching the CSS selector is visible. */
    public WebElement await(String css) {
        return await(css, Duration.ofSeconds(90));
    }

    public WebElement await(String css, Duration timeout) {
        return new WebDriverWait(chrome, timeout).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    /** Waits until the element's text contains the given text (live updates, no reload). */
    public void awaitText(String css, String text, Duration timeout) {
        new WebDriverWait(chrome, timeout).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
    }

    public List<WebElement> all(String css) {
        return chrome.findElements(By.cssSelector(css));
    }

    /** The page's console entries at SEVERE (JavaScript errors, failed loads) since the last call. */
    public List<String> errors() {
        return chrome.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::toString)
                .collect(Collectors.toList());
    }

    /** Writes a PNG of the viewport to {@code console/target/screenshots/<name>.png} and returns its path. */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            File shot = chrome.getScreenshotAs(OutputType.FILE);
            Path target = SCREENSHOTS.resolve(name + ".png");
            Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        chrome.quit();
    }

    private static Path executable(String property, String defaultPath, String debianPackage) {
        Path path = Path.of(System.getProperty(property, defaultPath));
        if (!Files.isRegularFile(path) || !path.toFile().canExecute()) {
            throw new AssertionError(path + " is missing or not executable. The console's browser tests need Debian's"
                    + " Chromium and ChromeDriver: `apt-get install -y chromium chromium-driver` (.ci/run installs them),"
                    + " or point -D" + property + "=<path> at another build (package " + debianPackage + ").");
        }
        return path;
    }
}
