package dev.telemetry.gateway;

import static dev.telemetry.gateway.testing.GatewayFixture.json;
import static dev.telemetry.gateway.testing.GatewayFixture.post;
import static dev.telemetry.gateway.testing.GatewayFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telemetry.events.Envelope;
import dev.telemetry.events.VitalAttribution;
import dev.telemetry.events.VitalEvent;
import dev.telemetry.gateway.testing.GatewayFixture;
import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vitals from the {@code web-vitals} attribution build over real HTTP into a real broker: the documented attribution
 * fields stored on {@code telemetry.vitals}, bad ones answered 400 naming them, and the form factor taken from the
 * client, the {@code Sec-CH-UA-Mobile} hint or the user agent.
 */
@ExtendWith(LocalKafkaExtension.class)
class VitalAttributionHttpTest {

    private static final String KEY = "shop-key";
    private static final String PHONE_UA = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/131.0.0.0 Mobile Safari/537.36";
    private static final String TABLET_UA = "Mozilla/5.0 (iPad; CPU OS 12_2 like Mac OS X) AppleWebKit/605.1.15 "
            + "(KHTML, like Gecko) Version/12.1 Mobile/15E148 Safari/604.1";
    private static final String DESKTOP_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/131.0.0.0 Safari/537.36";

    private static GatewayServer gateway;
    private static Map<String, String> topics;
    private static String bootstrap;

    @BeforeAll
    static void startGateway(LocalKafka kafka, @TempDir Path dir) throws Exception {
        bootstrap = kafka.bootstrapServers();
        topics = GatewayFixture.uniqueRawTopics(kafka);
        gateway = GatewayServer.start(GatewayFixture.config(dir, topics, """
                http: {host: 127.0.0.1, port: 0}
                kafka: {bootstrap-servers: "%s"}
                keys: [{key: %s, app: shop}]
                """.formatted(bootstrap, KEY)));
    }

    @AfterAll
    static void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void shouldStoreTheDocumentedAttributionOnTheVitalsTopicWhenTheAttributionBuildSendsIt() throws Exception {
        // The seed's sendToAnalytics(metric) body as onINP / onLCP of web-vitals/attribution hand it over: JSON.stringify
        // turns DOM nodes into {} and performance entries into their toJSON(); page and connection added by the caller.
        String inp = "{\"name\":\"INP\",\"value\":560,\"rating\":\"poor\",\"delta\":560,\"id\":\"v4-1764237600000-7\","
                + "\"navigationType\":\"navigate\",\"page\":\"/checkout\",\"connection\":\"4g\",\"entries\":[{\"name\":\"click\"}],"
                + "\"attribution\":{\"interactionTarget\":\"#checkout>button.pay\",\"interactionTargetElement\":{},"
                + "\"interactionType\":\"pointer\",\"interactionTime\":10234.5,\"nextPaintTime\":10794.5,"
                + "\"processedEventEntries\":[{\"name\":\"pointerdown\",\"entryType\":\"event\",\"target\":{}}],"
                + "\"longAnimationFrameEntries\":[{\"entryType\":\"long-animation-frame\",\"duration\":480,\"scripts\":[]}],"
                + "\"inputDelay\":12.3,\"processingDuration\":480,\"presentationDelay\":67.7,\"loadState\":\"complete\"}}";
        String lcp = "{\"name\":\"LCP\",\"value\":3120.4,\"rating\":\"needs-improvement\",\"delta\":3120.4,\"id\":\"v4-1764237600000-8\","
                + "\"navigationType\":\"navigate\",\"page\":\"/checkout\",\"formFactor\":\"tablet\",\"attribution\":{\"target\":\""
                + "main>div.hero>" + "img.product-shot".repeat(20) + "\",\"url\":\"https://cdn.example/hero.jpg\","
                + "\"timeToFirstByte\":412.5,\"resourceLoadDelay\":800,\"resourceLoadDuration\":1650.2,\"elementRenderDelay\":257.7,"
                + "\"navigationEntry\":{\"entryType\":\"navigation\"},\"lcpResourceEntry\":{\"entryType\":\"resource\"},"
                + "\"lcpEntry\":{\"entryType\":\"largest-contentful-paint\",\"element\":{}}}}";

        HttpResponse<String> response = send(post(gateway.port(), "/api/analytics/vitals", "application/json",
                bytes("[" + inp + "," + lcp + "]")).header("X-Telemetry-Key", KEY).header("User-Agent", PHONE_UA).build());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(json(response).get("accepted").asInt()).isEqualTo(2);
        List<Envelope> stored = readIds(GatewayFixture.eventIds(response));
        VitalEvent storedInp = vital(stored, "INP");
        VitalEvent storedLcp = vital(stored, "LCP");
        assertThat(storedInp.attribution()).isEqualTo(new VitalAttribution(null, null, null, null, null, null,
                "#checkout>button.pay", "pointer", 12.3, 480.0, 67.7, null, null, null, null, null, null, null, null, "complete"));
        assertThat(storedInp.connection()).isEqualTo("4g");
        assertThat(storedInp.formFactor()).as("derived from the user agent").isEqualTo("phone");
        assertThat(storedInp.page()).isEqualTo("/checkout");
        assertThat(storedLcp.attribution().target()).hasSize(VitalAttribution.TARGET_LENGTH).startsWith("main>div.hero>img.product-shot");
        assertThat(storedLcp.attribution()).isEqualTo(new VitalAttribution(storedLcp.attribution().target(),
                "https://cdn.example/hero.jpg", 412.5, 800.0, 1650.2, 257.7,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null));
        assertThat(storedLcp.formFactor()).as("the client's own word").isEqualTo("tablet");
        assertThat(storedLcp.connection()).isNull();
    }

    @Test
    void shouldAnswer400NamingTheAttributionFieldWhenItHasTheWrongType() throws Exception {
        String body = "{\"name\":\"INP\",\"value\":560,\"id\":\"v4-bad\",\"navigationType\":\"navigate\","
                + "\"attribution\":{\"interactionTarget\":\"#pay\",\"inputDelay\":\"12ms\"}}";

        HttpResponse<String> response = send(post(gateway.port(), "/api/analytics/vitals", "application/json", bytes(body))
                .header("X-Telemetry-Key", KEY).build());

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode rejected = json(response).get("rejected");
        assertThat(rejected).hasSize(1);
        assertThat(rejected.get(0).get("index").asInt()).isZero();
        assertThat(rejected.get(0).get("field").asText()).isEqualTo("attribution.inputDelay");
        assertThat(rejected.get(0).get("message").asText()).isEqualTo("must be a number, got a string");
    }

    @Test
    void shouldKeepTheValidVitalsAndNameTheBadFieldsWhenABatchHasBadFormFactorOrConnection() throws Exception {
        String body = "[{\"name\":\"CLS\",\"value\":0.1,\"id\":\"v4-ok\",\"formFactor\":\"desktop\"},"
                + "{\"name\":\"CLS\",\"value\":0.1,\"id\":\"v4-ff\",\"formFactor\":\"smartwatch\"},"
                + "{\"name\":\"CLS\",\"value\":0.1,\"id\":\"v4-conn\",\"connection\":\"5g\"},"
                + "{\"name\":\"CLS\",\"value\":0.1,\"id\":\"v4-attr\",\"attribution\":\"#ad\"}]";

        HttpResponse<String> response = send(post(gateway.port(), "/api/analytics/vitals", "application/json", bytes(body))
                .header("X-Telemetry-Key", KEY).build());

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(json(response).get("accepted").asInt()).isEqualTo(1);
        assertThat(json(response).get("rejected")).extracting(r -> r.get("index").asInt() + " " + r.get("field").asText())
                .containsExactly("1 formFactor", "2 connection", "3 attribution");
    }

    @Test
    void shouldDeriveTheFormFactorFromTheClientHintOrElseTheUserAgentWhenTheVitalNamesNone() throws Exception {
        String vital = "{\"name\":\"TTFB\",\"value\":120,\"id\":\"%s\",\"navigationType\":\"navigate\"}";
        // Chrome on a desktop claiming a phone through its hint: the hint wins.
        HttpResponse<String> hinted = send(post(gateway.port(), "/api/analytics/vitals", "application/json",
                bytes(vital.formatted("v4-hinted"))).header("X-Telemetry-Key", KEY)
                .header("Sec-CH-UA-Mobile", "?1").header("User-Agent", DESKTOP_UA).build());
        HttpResponse<String> tablet = send(post(gateway.port(), "/api/analytics/vitals", "application/json",
                bytes(vital.formatted("v4-tablet"))).header("X-Telemetry-Key", KEY).header("User-Agent", TABLET_UA).build());
        HttpResponse<String> desktop = send(post(gateway.port(), "/api/analytics/vitals", "application/json",
                bytes(vital.formatted("v4-desktop"))).header("X-Telemetry-Key", KEY)
                .header("Sec-CH-UA-Mobile", "?0").header("User-Agent", DESKTOP_UA).build());
        // The mixed batch derives it too, for its vitals only.
        HttpResponse<String> mixed = send(post(gateway.port(), "/api/events", "application/json",
                bytes("[{\"type\":\"vital\",\"name\":\"FCP\",\"value\":900,\"id\":\"v4-mixed\"},{\"type\":\"metric\",\"name\":\"m\",\"value\":1}]"))
                .header("X-Telemetry-Key", KEY).header("Sec-CH-UA-Mobile", "?1").build());

        for (HttpResponse<String> response : List.of(hinted, tablet, desktop, mixed)) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        }
        assertThat(formFactor(hinted)).isEqualTo("phone");
        assertThat(formFactor(tablet)).isEqualTo("tablet");
        assertThat(formFactor(desktop)).isEqualTo("desktop");
        assertThat(formFactor(mixed)).isEqualTo("phone");
    }

    private static String formFactor(HttpResponse<String> response) throws Exception {
        return readIds(GatewayFixture.eventIds(response)).stream().map(Envelope::event)
                .filter(VitalEvent.class::isInstance).map(e -> ((VitalEvent) e).formFactor()).findFirst().orElseThrow();
    }

    private static VitalEvent vital(List<Envelope> stored, String name) {
        return stored.stream().map(Envelope::event).filter(VitalEvent.class::isInstance).map(VitalEvent.class::cast)
                .filter(v -> v.name().equals(name)).findFirst().orElseThrow();
    }

    /** What the gateway wrote with these ids, read back from the vitals topic only (and the metrics one, for the batch). */
    private static List<Envelope> readIds(List<String> ids) {
        return GatewayFixture.readUntil(bootstrap, List.of(topics.get("vitals"), topics.get("metrics")),
                read -> read.stream().map(Envelope::eventId).toList().containsAll(ids), Duration.ofSeconds(60))
                .stream().filter(e -> ids.contains(e.eventId())).toList();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
