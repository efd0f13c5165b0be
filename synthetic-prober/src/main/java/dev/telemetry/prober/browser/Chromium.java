package dev.telemetry.prober.browser;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts headless Chromium through chromedriver, both at explicit paths so that Selenium Manager never
 * tries to download a driver or a browser (the machines that run this may have no internet). Each
 * session gets a fresh profile directory, deleted when it closes: runs share no cookies or cache.
 */
public final class Chromium {

    private static final Logger LOG = LoggerFactory.getLogger(Chromium.class);

    private final Path chromedriver;
    private final Path chromium;

    public Chromium(Path chromedriver, Path chromium) {
        this.chromedriver = chromedriver;
        this.chromium = chromium;
    }

    /** Debian's binaries, where the {@code chromium} and {@code chromium-driver} packages put them. */
    public static Chromium debian() {
        return new Chromium(Path.of("/usr/bin/chromedriver"), Path.of("/usr/bin/chromium"));
    }

    /**
     * A new browser session. Fails with a message naming the missing binary and how to get it, rather
     * than Selenium's attempt to download one.
     */
    public Session open() {
        requireExecutable(chromedriver, "chromedriver", "browser.chromedriver", "chromium-driver");
        requireExecutable(chromium, "chromium", "browser.chromium", "chromium");
        Path profile;
        try {
            profile = Files.createTempDirectory("prober-chromium-");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a profile directory for chromium: " + e.getMessage(), e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .withLogOutput(OutputStream.nullOutputStream())
                .build();
        try {
            return new Session(new ChromeDriver(service, options), profile);
        } catch (RuntimeException e) {
            service.stop();
            deleteQuietly(profile);
            throw e;
        }
    }

    private static void requireExecutable(Path path, String what, String key, String debianPackage) {
        File file = path.toFile();
        if (!file.isFile() || !file.canExecute()) {
            throw new IllegalStateException(what + " not found at " + path + ": install Debian's " + debianPackage
                    + " package or set " + key + " in the prober's configuration");
        }
    }

    /** A running browser; closing it quits the browser and deletes its profile. */
    public static final class Session implements AutoCloseable {

        private final ChromeDriver driver;
        private final Path profile;

        private Session(ChromeDriver driver, Path profile) {
            this.driver = driver;
            this.profile = profile;
        }

        public ChromeDriver driver() {
            return driver;
        }

        @Override
        public void close() {
            // A run cut short (timeout, stop) is interrupted; quitting must still reach chromedriver, or
            // the browser outlives the run. The interrupt is restored afterwards.
            boolean interrupted = Thread.interrupted();
            try {
                driver.quit();
            } catch (RuntimeException e) {
                LOG.warn("chromium did not quit cleanly: {}", firstLine(e.getMessage()));
            } finally {
                deleteQuietly(profile);
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static String firstLine(String message) {
        return message == null ? "unknown error" : message.lines().findFirst().orElse("");
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not delete {}: {}", dir, e.getMessage());
        }
    }
}
