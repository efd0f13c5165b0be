package dev.telemetry.benchmarks.console;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Each view's first paint in Debian's headless Chromium (as the console's browser tests drive it): the views are the
 * links of the start page's navigation, so views added later are measured without changing this. Per load it reads
 * the browser's own {@code first-contentful-paint} and the time until the view's {@code #summary} status line left
 * "Loading…" (its first answer from the API is on screen), both from the start of the navigation; a small script
 * installed before any page script (DevTools {@code Page.addScriptToEvaluateOnNewDocument}) notes the second.
 */
final class PaintTimer implements AutoCloseable {

    record ViewResult(String path, double coldFcpMs, double coldReadyMs, double fcpMedianMs, double readyMedianMs, double readyMaxMs,
                      double responseEndMedianMs, int loads, int unsettled) {
    }

    /** Sets window.__ready when #summary exists after parsing and no longer says "Loading…". */
    private static final String READY_PROBE = """
            (() => {
              const mark = () => {
                if (window.__ready !== undefined || document.readyState === 'loading') return window.__ready !== undefined;
                const s = document.getElementById('summary');
                if (s && !s.textContent.startsWith('Loading')) { window.__ready = performance.now(); return true; }
                return false;
              };
              const obs = new MutationObserver(() => { if (mark()) obs.disconnect(); });
              obs.observe(document, {subtree: true, childList: true, characterData: true});
              document.addEventListener('DOMContentLoaded', () => { if (mark()) obs.disconnect(); });
            })();
            """;

    private final ChromeDriver chrome;
    private final String base;

    PaintTimer(String base, Path userDataDir) throws java.io.IOException {
        Files.createDirectories(userDataDir);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(System.getProperty("chromium.binary", "/usr/bin/chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--no-default-browser-check",
                "--user-data-dir=" + userDataDir.toAbsolutePath(), "--window-size=1280,900");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(System.getProperty("chromedriver.path", "/usr/bin/chromedriver")).toFile())
                .usingAnyFreePort().withTimeout(Duration.ofSeconds(90)).build();
        this.chrome = new ChromeDriver(service, options);
        chrome.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        chrome.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", READY_PROBE));
        this.base = base;
    }

    /** The start page and every view its navigation links to, in the navigation's order. */
    List<String> views() {
        chrome.get(base + "/");
        new WebDriverWait(chrome, Duration.ofSeconds(60)).until(d -> !d.findElements(By.cssSelector("header nav a")).isEmpty());
        Set<String> paths = new LinkedHashSet<>();
        paths.add("/");
        for (WebElement a : chrome.findElements(By.cssSelector("header nav a"))) {
            String href = a.getDomAttribute("href");
            if (href != null && href.startsWith("/")) {
                paths.add(href);
            }
        }
        return new ArrayList<>(paths);
    }

    ViewResult measure(String path, int loads) {
        Load cold = load(path);
        List<Double> fcp = new ArrayList<>();
        List<Double> ready = new ArrayList<>();
        List<Double> responseEnd = new ArrayList<>();
        int unsettled = cold.settled() ? 0 : 1;
        for (int i = 0; i < loads; i++) {
            Load l = load(path);
            fcp.add(l.fcp());
            responseEnd.add(l.responseEnd());
            if (l.settled()) {
                ready.add(l.ready());
            } else {
                unsettled++;
            }
        }
        Collections.sort(fcp);
        Collections.sort(ready);
        Collections.sort(responseEnd);
        return new ViewResult(path, cold.fcp(), cold.ready(), ApiTimer.quantile(fcp, 0.5),
                ready.isEmpty() ? Double.NaN : ApiTimer.quantile(ready, 0.5),
                ready.isEmpty() ? Double.NaN : ready.get(ready.size() - 1),
                ApiTimer.quantile(responseEnd, 0.5), loads, unsettled);
    }

    private record Load(double fcp, double ready, double responseEnd, boolean settled) {
    }

    private Load load(String path) {
        chrome.get("about:blank");
        chrome.get(base + path);
        JavascriptExecutor js = chrome;
        boolean settled = true;
        try {
            new WebDriverWait(chrome, Duration.ofSeconds(60), Duration.ofMillis(50))
                    .until(d -> js.executeScript("return typeof window.__ready === 'number' && "
                            + "performance.getEntriesByName('first-contentful-paint').length > 0"));
        } catch (TimeoutException e) {
            settled = false;
        }
        Object fcp = js.executeScript("const e = performance.getEntriesByName('first-contentful-paint')[0]; return e ? e.startTime : -1;");
        Object ready = js.executeScript("return window.__ready === undefined ? -1 : window.__ready;");
        Object responseEnd = js.executeScript("return performance.getEntriesByType('navigation')[0].responseEnd;");
        return new Load(number(fcp), number(ready), number(responseEnd), settled);
    }

    private static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    @Override
    public void close() {
        chrome.quit();
    }
}
