package dev.telemetry.benchmarks.vitals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telemetry.events.VitalEvent;
import dev.telemetry.events.validation.FieldReader;
import dev.telemetry.events.validation.Limits;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Web vitals as the {@code web-vitals} library (v5) posts them, {@code JSON.stringify(metric)}, for the gateway and
 * processor benchmarks of issue 19: the same vital {@code i} in a plain and in an attribution-bearing form.
 *
 * <p><b>Plain</b> ({@link #plain}): {@code name} (LCP, INP, CLS, FCP, TTFB in turn), {@code value}, {@code id},
 * {@code navigationType}, {@code rating} (web-vitals' thresholds), {@code delta}, {@code page} and {@code url}: one
 * of {@link #PAGES_PER_APP} pages. No {@code entries} (in either form: the comparison is about the attribution).
 *
 * <p><b>With attribution</b> ({@link #withAttribution}): the same vital plus {@code formFactor} (phone 55 %,
 * desktop 40 %, tablet 5 %), {@code connection} (4g 80 %, 3g 15 %, 2g 4 %, slow-2g 1 %) and the attribution
 * build's object for the vital, with everything v5 puts in it, kept or not by the gateway: LCP's
 * {@code navigationEntry}, {@code lcpResourceEntry} and {@code lcpEntry}; INP's {@code processedEventEntries},
 * {@code longAnimationFrameEntries} (with a script) and {@code longestScript}; CLS's {@code largestShiftEntry} and
 * {@code largestShiftSource}; FCP's {@code fcpEntry} and {@code navigationEntry}; TTFB's {@code navigationEntry}.
 * Performance entries are as their {@code toJSON()} writes them, DOM nodes as {@code JSON.stringify} writes them
 * ({@code {}}). The parts of LCP and INP add up to the value, as in the library.
 */
public final class WebVitals {

    public static final List<String> NAMES = List.of("LCP", "INP", "CLS", "FCP", "TTFB");
    public static final int PAGES_PER_APP = 20;
    private static final String ORIGIN = "https://shop.example.com";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private WebVitals() {
    }

    /** The page of vital {@code i}: one of {@link #PAGES_PER_APP}, the same in both forms. */
    public static String page(int i) {
        int p = (i / NAMES.size()) % PAGES_PER_APP;
        return switch (p) {
            case 0 -> "/";
            case 1 -> "/checkout";
            case 2 -> "/cart";
            case 3 -> "/search";
            default -> "/products/p" + p;
        };
    }

    /** Vital {@code i} as the standard build sends it. */
    public static ObjectNode plain(int i) {
        SplittableRandom random = new SplittableRandom(i * 2654435761L);
        String name = NAMES.get(i % NAMES.size());
        double value = value(name, random);
        ObjectNode m = JSON.objectNode();
        m.put("name", name);
        m.put("value", value);
        m.put("rating", rating(name, value));
        m.put("delta", name.equals("CLS") ? round(value * 0.6, 4) : value);
        m.put("id", "v5-17330" + (10_000_000 + random.nextInt(89_999_999)) + "-" + (1_000_000_000_000L
                + random.nextLong(8_999_999_999_999L)));
        m.put("navigationType", random.nextInt(10) < 8 ? "navigate" : random.nextBoolean() ? "reload" : "back-forward");
        m.put("page", page(i));
        m.put("url", ORIGIN + page(i) + (random.nextInt(4) == 0 ? "?utm_source=newsletter&utm_campaign=spring" : ""));
        return m;
    }

    /** Vital {@code i} as the attribution build sends it, with the form factor and connection. */
    public static ObjectNode withAttribution(int i) {
        ObjectNode m = plain(i);
        SplittableRandom random = new SplittableRandom(i * 40503L + 7);
        int f = random.nextInt(100);
        m.put("formFactor", f < 55 ? "phone" : f < 95 ? "desktop" : "tablet");
        int c = random.nextInt(100);
        m.put("connection", c < 80 ? "4g" : c < 95 ? "3g" : c < 99 ? "2g" : "slow-2g");
        String url = m.get("url").textValue();
        double value = m.get("value").doubleValue();
        m.set("attribution", switch (m.get("name").textValue()) {
            case "LCP" -> lcp(url, value, random);
            case "INP" -> inp(value, random);
            case "CLS" -> cls(value, random);
            case "FCP" -> fcp(url, value, random);
            default -> ttfb(url, value, random);
        });
        return m;
    }

    /**
     * Vital {@code i} as this repository's browser client ({@code clients/browser}) sends it: {@link #withAttribution}'s
     * vital with only the attribution's plain fields that the gateway keeps (the client drops the performance entries
     * before sending), so the same envelope on the topic from a far smaller body.
     */
    public static ObjectNode asBrowserClientSends(int i) {
        ObjectNode m = withAttribution(i);
        m.set("attribution", MAPPER.valueToTree(read(m).attribution()));
        return m;
    }

    /** {@code items} as one request body: a JSON array. */
    public static String batch(List<ObjectNode> items) {
        ArrayNode array = JSON.arrayNode();
        items.forEach(array::add);
        return array.toString();
    }

    /** The vital the gateway reads from {@code item} (and would write to the topic); fails if it rejects any of it. */
    public static VitalEvent read(JsonNode item) {
        FieldReader fields = new FieldReader(item.deepCopy(), Limits.defaults());
        VitalEvent vital = VitalEvent.read(fields);
        if (!fields.valid()) {
            throw new IllegalStateException("the gateway would reject " + item + ": " + fields.violations());
        }
        return vital;
    }

    private static double value(String name, SplittableRandom r) {
        return switch (name) {
            case "LCP" -> round(900 + r.nextDouble() * r.nextDouble() * 4_500, 1);
            case "INP" -> 16 + 8 * r.nextInt(1 + (int) (r.nextDouble() * r.nextDouble() * 80));
            case "CLS" -> round(r.nextDouble() * r.nextDouble() * 0.45, 4);
            case "FCP" -> round(500 + r.nextDouble() * r.nextDouble() * 3_500, 1);
            default -> round(80 + r.nextDouble() * r.nextDouble() * 2_000, 1);
        };
    }

    private static String rating(String name, double value) {
        double[] t = switch (name) {
            case "LCP" -> new double[] {2500, 4000};
            case "INP" -> new double[] {200, 500};
            case "CLS" -> new double[] {0.1, 0.25};
            case "FCP" -> new double[] {1800, 3000};
            default -> new double[] {800, 1800};
        };
        return value <= t[0] ? "good" : value <= t[1] ? "needs-improvement" : "poor";
    }

    private static ObjectNode lcp(String url, double value, SplittableRandom r) {
        double ttfb = round(value * (0.15 + 0.2 * r.nextDouble()), 1);
        double delay = round(value * (0.05 + 0.15 * r.nextDouble()), 1);
        double duration = round(value * (0.1 + 0.3 * r.nextDouble()), 1);
        double render = round(Math.max(0, value - ttfb - delay - duration), 1);
        String image = "https://cdn.example.com/img/products/hero-" + r.nextInt(40) + "-1200w.webp";
        ObjectNode a = JSON.objectNode();
        a.put("target", "main#content > section.hero > picture > img.hero__image");
        a.put("url", image);
        a.put("timeToFirstByte", ttfb);
        a.put("resourceLoadDelay", delay);
        a.put("resourceLoadDuration", duration);
        a.put("elementRenderDelay", render);
        a.set("navigationEntry", navigationEntry(url, ttfb, r));
        ObjectNode resource = resourceEntry(image, ttfb + delay, duration, r);
        a.set("lcpResourceEntry", resource);
        ObjectNode entry = JSON.objectNode();
        entry.put("name", "");
        entry.put("entryType", "largest-contentful-paint");
        entry.put("startTime", value);
        entry.put("duration", 0);
        entry.put("size", 120_000 + r.nextInt(300_000));
        entry.put("renderTime", value);
        entry.put("loadTime", round(ttfb + delay + duration, 1));
        entry.put("id", "");
        entry.put("url", image);
        entry.set("element", JSON.objectNode());
        a.set("lcpEntry", entry);
        return a;
    }

    private static ObjectNode inp(double value, SplittableRandom r) {
        double input = round(value * (0.05 + 0.3 * r.nextDouble()), 0);
        double processing = round(value * (0.2 + 0.4 * r.nextDouble()), 0);
        double presentation = Math.max(0, value - input - processing);
        double time = round(2_000 + r.nextDouble() * 60_000, 1);
        ObjectNode a = JSON.objectNode();
        String[] targets = {"#add-to-cart > button.btn.btn--primary", "nav.header__nav > ul > li:nth-child(3) > a",
            "form#search > input.search__field", "div.filters > label.chip:nth-child(2) > input"};
        a.put("interactionTarget", targets[r.nextInt(targets.length)]);
        a.put("interactionTime", time);
        boolean keyboard = r.nextInt(5) == 0;
        a.put("interactionType", keyboard ? "keyboard" : "pointer");
        a.put("nextPaintTime", round(time + value, 1));
        ArrayNode events = JSON.arrayNode();
        String[] names = keyboard ? new String[] {"keydown", "keypress", "keyup"}
                : new String[] {"pointerdown", "pointerup", "click"};
        int interactionId = 1_000 + r.nextInt(9_000);
        for (int k = 0; k < names.length; k++) {
            ObjectNode e = JSON.objectNode();
            e.put("name", names[k]);
            e.put("entryType", "event");
            e.put("startTime", round(time + k * 4, 1));
            e.put("duration", 8 * Math.round((value - k * 4) / 8));
            e.put("processingStart", round(time + k * 4 + input, 1));
            e.put("processingEnd", round(time + k * 4 + input + processing / names.length, 1));
            e.put("cancelable", true);
            e.put("interactionId", interactionId);
            e.set("target", JSON.objectNode());
            events.add(e);
        }
        a.set("processedEventEntries", events);
        ObjectNode script = JSON.objectNode();
        script.put("name", "script");
        script.put("entryType", "script");
        script.put("startTime", round(time + input, 1));
        script.put("duration", processing);
        script.put("invoker", "BUTTON#add-to-cart.onclick");
        script.put("invokerType", "event-listener");
        script.put("windowAttribution", "self");
        script.put("executionStart", round(time + input + 0.3, 1));
        script.put("forcedStyleAndLayoutDuration", round(processing * 0.1, 1));
        script.put("pauseDuration", 0);
        script.put("sourceURL", "https://shop.example.com/assets/js/app.4f9c2b1e.js");
        script.put("sourceFunctionName", "handleAddToCart");
        script.put("sourceCharPosition", 18_000 + r.nextInt(200_000));
        ObjectNode loaf = JSON.objectNode();
        loaf.put("name", "long-animation-frame");
        loaf.put("entryType", "long-animation-frame");
        loaf.put("startTime", round(time - 3, 1));
        loaf.put("duration", round(value + 3, 1));
        loaf.put("navigationId", "5c6a6b0e-7d3f-4a51-9d2b-" + (100_000_000_000L + r.nextLong(899_999_999_999L)));
        loaf.put("renderStart", round(time + input + processing, 1));
        loaf.put("styleAndLayoutStart", round(time + input + processing + 2, 1));
        loaf.put("firstUIEventTimestamp", time);
        loaf.put("blockingDuration", Math.max(0, round(value - 50, 1)));
        loaf.set("scripts", JSON.arrayNode().add(script));
        a.set("longAnimationFrameEntries", JSON.arrayNode().add(loaf));
        a.put("inputDelay", input);
        a.put("processingDuration", processing);
        a.put("presentationDelay", presentation);
        a.put("loadState", "complete");
        ObjectNode longest = JSON.objectNode();
        longest.set("entry", script.deepCopy());
        longest.put("subpart", "processing-duration");
        longest.put("intersectingDuration", processing);
        a.set("longestScript", longest);
        a.put("totalScriptDuration", processing);
        a.put("totalStyleAndLayoutDuration", round(processing * 0.1 + 2, 1));
        a.put("totalPaintDuration", round(presentation * 0.3, 1));
        a.put("totalUnattributedDuration", round(presentation * 0.2, 1));
        return a;
    }

    private static ObjectNode cls(double value, SplittableRandom r) {
        double time = round(400 + r.nextDouble() * 4_000, 1);
        double largest = round(value * (0.4 + 0.6 * r.nextDouble()), 4);
        ObjectNode source = JSON.objectNode();
        source.set("node", JSON.objectNode());
        source.set("previousRect", rect(0, 420 + r.nextInt(200), 390, 220));
        source.set("currentRect", rect(0, 640 + r.nextInt(200), 390, 220));
        ObjectNode entry = JSON.objectNode();
        entry.put("name", "");
        entry.put("entryType", "layout-shift");
        entry.put("startTime", time);
        entry.put("duration", 0);
        entry.put("value", largest);
        entry.put("hadRecentInput", false);
        entry.put("lastInputTime", 0);
        entry.set("sources", JSON.arrayNode().add(source.deepCopy()));
        ObjectNode a = JSON.objectNode();
        a.put("largestShiftTarget", "div.product-grid > article.card:nth-child(" + (1 + r.nextInt(12)) + ")");
        a.put("largestShiftTime", time);
        a.put("largestShiftValue", largest);
        a.set("largestShiftEntry", entry);
        a.set("largestShiftSource", source);
        a.put("loadState", r.nextInt(3) == 0 ? "dom-content-loaded" : "complete");
        return a;
    }

    private static ObjectNode fcp(String url, double value, SplittableRandom r) {
        double ttfb = round(value * (0.2 + 0.3 * r.nextDouble()), 1);
        ObjectNode a = JSON.objectNode();
        a.put("timeToFirstByte", ttfb);
        a.put("firstByteToFCP", round(value - ttfb, 1));
        a.put("loadState", r.nextBoolean() ? "dom-interactive" : "loading");
        ObjectNode entry = JSON.objectNode();
        entry.put("name", "first-contentful-paint");
        entry.put("entryType", "paint");
        entry.put("startTime", value);
        entry.put("duration", 0);
        a.set("fcpEntry", entry);
        a.set("navigationEntry", navigationEntry(url, ttfb, r));
        return a;
    }

    private static ObjectNode ttfb(String url, double value, SplittableRandom r) {
        double waiting = round(value * 0.05 * r.nextDouble(), 1);
        double cache = round(value * 0.02 * r.nextDouble(), 1);
        double dns = round(value * 0.1 * r.nextDouble(), 1);
        double connection = round(value * 0.2 * r.nextDouble(), 1);
        ObjectNode a = JSON.objectNode();
        a.put("waitingDuration", waiting);
        a.put("cacheDuration", cache);
        a.put("dnsDuration", dns);
        a.put("connectionDuration", connection);
        a.put("requestDuration", round(Math.max(0, value - waiting - cache - dns - connection), 1));
        a.set("navigationEntry", navigationEntry(url, value, r));
        return a;
    }

    /** A {@code PerformanceNavigationTiming} as its {@code toJSON()} writes it (Chrome 131). */
    private static ObjectNode navigationEntry(String url, double responseStart, SplittableRandom r) {
        double dnsStart = round(responseStart * 0.05, 1);
        double connectStart = round(responseStart * 0.15, 1);
        double requestStart = round(responseStart * 0.4, 1);
        double responseEnd = round(responseStart + 20 + r.nextInt(200), 1);
        double interactive = round(responseEnd + 300 + r.nextInt(1_500), 1);
        double complete = round(interactive + 200 + r.nextInt(2_000), 1);
        ObjectNode e = JSON.objectNode();
        e.put("name", url);
        e.put("entryType", "navigation");
        e.put("startTime", 0);
        e.put("duration", round(complete + 5, 1));
        e.put("initiatorType", "navigation");
        e.put("deliveryType", "");
        e.put("nextHopProtocol", "h2");
        e.put("renderBlockingStatus", "non-blocking");
        e.put("workerStart", 0);
        e.put("redirectStart", 0);
        e.put("redirectEnd", 0);
        e.put("fetchStart", round(dnsStart * 0.5, 1));
        e.put("domainLookupStart", dnsStart);
        e.put("domainLookupEnd", round(connectStart, 1));
        e.put("connectStart", connectStart);
        e.put("secureConnectionStart", round(connectStart + 10, 1));
        e.put("connectEnd", requestStart);
        e.put("requestStart", requestStart);
        e.put("responseStart", responseStart);
        e.put("firstInterimResponseStart", 0);
        e.put("responseEnd", responseEnd);
        e.put("transferSize", 28_000 + r.nextInt(40_000));
        e.put("encodedBodySize", 27_000 + r.nextInt(40_000));
        e.put("decodedBodySize", 110_000 + r.nextInt(150_000));
        e.put("responseStatus", 200);
        ArrayNode serverTiming = JSON.arrayNode();
        serverTiming.addObject().put("name", "cdn-cache").put("duration", 0).put("description", "MISS");
        serverTiming.addObject().put("name", "app").put("duration", round(responseStart * 0.3, 1))
                .put("description", "");
        e.set("serverTiming", serverTiming);
        e.put("unloadEventStart", 0);
        e.put("unloadEventEnd", 0);
        e.put("domInteractive", interactive);
        e.put("domContentLoadedEventStart", round(interactive + 1.2, 1));
        e.put("domContentLoadedEventEnd", round(interactive + 4.8, 1));
        e.put("domComplete", complete);
        e.put("loadEventStart", round(complete + 0.2, 1));
        e.put("loadEventEnd", round(complete + 3.1, 1));
        e.put("type", "navigate");
        e.put("redirectCount", 0);
        e.put("activationStart", 0);
        e.put("criticalCHRestart", 0);
        e.putNull("notRestoredReasons");
        return e;
    }

    /** A {@code PerformanceResourceTiming} as its {@code toJSON()} writes it. */
    private static ObjectNode resourceEntry(String url, double start, double duration, SplittableRandom r) {
        ObjectNode e = JSON.objectNode();
        e.put("name", url);
        e.put("entryType", "resource");
        e.put("startTime", round(start, 1));
        e.put("duration", duration);
        e.put("initiatorType", "img");
        e.put("deliveryType", "cache");
        e.put("nextHopProtocol", "h2");
        e.put("renderBlockingStatus", "non-blocking");
        e.put("workerStart", 0);
        e.put("redirectStart", 0);
        e.put("redirectEnd", 0);
        e.put("fetchStart", round(start, 1));
        e.put("domainLookupStart", round(start, 1));
        e.put("domainLookupEnd", round(start, 1));
        e.put("connectStart", round(start, 1));
        e.put("secureConnectionStart", round(start, 1));
        e.put("connectEnd", round(start, 1));
        e.put("requestStart", round(start + 2, 1));
        e.put("responseStart", round(start + duration * 0.4, 1));
        e.put("firstInterimResponseStart", 0);
        e.put("responseEnd", round(start + duration, 1));
        e.put("transferSize", 60_000 + r.nextInt(200_000));
        e.put("encodedBodySize", 59_000 + r.nextInt(200_000));
        e.put("decodedBodySize", 59_000 + r.nextInt(200_000));
        e.put("responseStatus", 200);
        e.set("serverTiming", JSON.arrayNode());
        return e;
    }

    private static ObjectNode rect(int x, int y, int width, int height) {
        ObjectNode rect = JSON.objectNode();
        rect.put("x", x);
        rect.put("y", y);
        rect.put("width", width);
        rect.put("height", height);
        rect.put("top", y);
        rect.put("right", x + width);
        rect.put("bottom", y + height);
        rect.put("left", x);
        return rect;
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
