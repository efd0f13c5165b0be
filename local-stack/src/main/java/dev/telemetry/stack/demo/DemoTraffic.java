package dev.telemetry.stack.demo;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plays a small shop's traffic through the gateway's HTTP API, as its browsers and servers would
 * send it: web vitals from a few pages, user actions, the odd JavaScript and network error, and the
 * app server's request logs. Two things go wrong on purpose (see {@link DemoPace}): one IP floods
 * /api/search, over the limit of 100 requests a minute, and /api/checkout is slow for a while,
 * then recovers.
 */
public final class DemoTraffic implements AutoCloseable {

    static final String ABUSIVE_IP = "203.0.113.66";
    static final String SLOW_ENDPOINT = "/api/checkout";
    private static final String[] PAGES = {"/", "/products", "/checkout"};
    private static final String[] SHOPPERS = {"198.51.100.7", "198.51.100.23", "192.0.2.41", "192.0.2.88"};
    private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";

    private static final Pattern ACCEPTED = Pattern.compile("\"accepted\":(\\d+)");

    private final URI gateway;
    private final String key;
    private final DemoPace pace;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    // A fixed seed: every demo run tells the same story.
    private final Random random = new Random(42);
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "demo-traffic");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger tick = new AtomicInteger();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicInteger failures = new AtomicInteger();
    private long startNanos;

    /**
     * @param gateway the gateway's base URL, e.g. {@code http://localhost:8080}
     * @param key     an ingest key the gateway knows
     * @param out     where a failing request is reported (once)
     */
    public DemoTraffic(URI gateway, String key, DemoPace pace, PrintStream out) {
        this.gateway = gateway;
        this.key = key;
        this.pace = pace;
        this.out = out;
    }

    public DemoTraffic start() {
        startNanos = System.nanoTime();
        long period = pace.tick().toMillis();
        scheduler.scheduleAtFixedRate(this::safeTick, 0, period, TimeUnit.MILLISECONDS);
        return this;
    }

    /** Events the gateway accepted so far. */
    public long accepted() {
        return accepted.get();
    }

    private void safeTick() {
        try {
            tick(Duration.ofNanos(System.nanoTime() - startNanos), tick.getAndIncrement());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // One failed batch must not stop the show; the first failure is worth telling.
            if (failures.getAndIncrement() == 0) {
                out.println("demo traffic: a request failed (" + e + "); carrying on");
            }
        }
    }

    private void tick(Duration elapsed, int n) throws Exception {
        String page = PAGES[n % PAGES.length];
        post("/api/analytics/vitals", pageView(page, n));
        post("/api/analytics/actions", action(n));
        if (n % 7 == 3) {
            post("/api/errors", """
                    {"message":"Cannot read properties of undefined (reading 'price')","type":"TypeError",\
                    "stack":"TypeError: Cannot read properties of undefined (reading 'price')\\n    at renderCart (cart.js:42:17)",\
                    "context":{"component":"CartSummary"},"tags":{"release":"1.4.2"},"level":"error","url":"https://shop.example/checkout"}""");
        }
        if (n % 11 == 5) {
            post("/api/network-errors", "{\"url\":\"/api/recommendations\",\"status\":502,\"method\":\"GET\",\"duration\":"
                    + between(900, 1500) + "}");
        }
        post("/api/requests", requestLogs(elapsed, n));
    }

    /** One page view's web vitals, rated as the web-vitals library rates them. */
    private String pageView(String page, int n) {
        double lcp = between(1400, 3200);
        double fcp = between(700, 1900);
        double inp = between(60, 320);
        double cls = between(0, 140) / 1000.0;
        double ttfb = between(120, 900);
        List<String> vitals = List.of(
                vital("LCP", lcp, rating(lcp, 2500, 4000), page, n),
                vital("FCP", fcp, rating(fcp, 1800, 3000), page, n),
                vital("INP", inp, rating(inp, 200, 500), page, n),
                vital("CLS", cls, rating(cls, 0.1, 0.25), page, n),
                vital("TTFB", ttfb, rating(ttfb, 800, 1800), page, n));
        return "[" + String.join(",", vitals) + "]";
    }

    private static String vital(String name, double value, String rating, String page, int n) {
        return String.format(Locale.ROOT,
                "{\"name\":\"%s\",\"value\":%s,\"id\":\"v4-%d-%s\",\"navigationType\":\"navigate\",\"rating\":\"%s\",\"page\":\"%s\"}",
                name, value, n, name, rating, page);
    }

    private static String rating(double value, double good, double poor) {
        return value <= good ? "good" : value <= poor ? "needs-improvement" : "poor";
    }

    private String action(int n) {
        String action = n % 3 == 0 ? "checkout_click" : "add_to_cart";
        return "{\"action\":\"" + action + "\",\"duration\":" + between(80, 400) + ",\"metadata\":{\"sku\":\"SKU-"
                + (100 + n % 17) + "\"},\"timestamp\":" + System.currentTimeMillis() + "}";
    }

    /** The app server's request log lines since the last tick, shipped as one batch. */
    private String requestLogs(Duration elapsed, int n) {
        List<String> lines = new ArrayList<>();
        String shopper = SHOPPERS[n % SHOPPERS.length];
        lines.add(request(shopper, "GET", "/api/products", n % 40 == 39 ? 500 : 200, between(30, 120), BROWSER, "page=" + (n % 5)));
        lines.add(request(SHOPPERS[(n + 1) % SHOPPERS.length], "POST", "/api/cart", 200, between(20, 90), BROWSER, ""));
        boolean slow = pace.checkoutSlowAt(elapsed);
        for (int i = 0; i < 2; i++) {
            // Slow: the payment provider hangs; 2.5 to 4.5 s. Otherwise 150 to 400 ms.
            lines.add(request(SHOPPERS[(n + 2 + i) % SHOPPERS.length], "POST", SLOW_ENDPOINT, 200,
                    slow ? between(2500, 4500) : between(150, 400), BROWSER, ""));
        }
        long abuseFrom = pace.abuseStart().toMillis() / pace.tick().toMillis();
        if (n >= abuseFrom && n < abuseFrom + pace.abuseTicks()) {
            for (int i = 0; i < pace.abusePerTick(); i++) {
                lines.add(request(ABUSIVE_IP, "GET", "/api/search", 200, between(15, 40), "python-requests/2.31.0",
                        "q=" + (char) ('a' + (n + i) % 26)));
            }
        }
        return "[" + String.join(",", lines) + "]";
    }

    private static String request(String ip, String method, String endpoint, int status, long durationMs, String agent,
                                  String query) {
        return String.format(Locale.ROOT,
                "{\"ip\":\"%s\",\"method\":\"%s\",\"endpoint\":\"%s\",\"status\":%d,\"durationMs\":%d,\"userAgent\":\"%s\",\"userId\":null,\"query\":\"%s\"}",
                ip, method, endpoint, status, durationMs, agent, query);
    }

    private long between(int min, int max) {
        return min + random.nextInt(max - min + 1);
    }

    private void post(String route, String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(gateway.resolve(route))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("X-Telemetry-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new IllegalStateException("POST " + route + " answered " + response.statusCode() + ": " + response.body());
        }
        Matcher count = ACCEPTED.matcher(response.body());
        if (count.find()) {
            accepted.addAndGet(Long.parseLong(count.group(1)));
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
