package dev.telemetry.browser;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Level;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's Chromium driven by Debian's ChromeDriver. Both paths are explicit (overridable with
 * {@code -Dchromium.binary} and {@code -Dchromedriver.path}), so Selenium Manager never tries to
 * download a browser or a driver: this machine's network is closed. A missing binary fails the test.
 */
final class HeadlessChromium {

    static final String BINARY_PROPERTY = "chromium.binary";
    static final String DRIVER_PROPERTY = "chromedriver.path";

    private HeadlessChromium() {
    }

    static ChromeDriver start(Path userDataDir) {
        Path binary = executable(BINARY_PROPERTY, "/usr/bin/chromium", "chromium");
        Path driver = executable(DRIVER_PROPERTY, "/usr/bin/chromedriver", "chromium-driver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(binary.toFile());
        options.addArguments(
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                // Without these Chromium keeps dialling Google's hosts, which this network refuses.
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--no-default-browser-check",
                "--user-data-dir=" + userDataDir.toAbsolutePath(),
                "--window-size=1024,768");
        // The page's console, attached to a failure so that a client error is visible in the report.
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
        return chrome;
    }

    private static Path executable(String property, String defaultPath, String debianPackage) {
        Path path = Path.of(System.getProperty(property, defaultPath));
        File file = path.toFile();
        if (!Files.isRegularFile(path) || !file.canExecute()) {
            throw new AssertionError(path + " is missing or not executable. The browser end-to-end test needs Debian's"
                    + " Chromium and ChromeDriver: `apt-get install -y chromium chromium-driver` (.ci/run installs them),"
                    + " or point -D" + property + "=<path> at another build (package " + debianPackage + ").");
        }
        return path;
    }
}
