package dev.telemetry.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.telemetry.alerts.AlertSink;
import dev.telemetry.alerts.config.SinkConfig;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.gateway.GatewayServer;
import dev.telemetry.gateway.config.GatewayConfig;
import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import dev.telemetry.prober.Prober;
import dev.telemetry.prober.config.ProberConfig;
import dev.telemetry.processor.StreamProcessor;
import dev.telemetry.processor.config.ProcessorConfig;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance test for synthetic monitoring, across every service on a real broker: the
 * prober checks a local page every 300 ms and posts each result to the gateway; when the page starts
 * failing, the processor's shipped rules ({@code synthetic_check_failing} on availability,
 * {@code synthetic_check_down} on the prober's consecutive failures) fire and the sink delivers both to
 * a real webhook receiver; when the page recovers, both resolve, with the same fingerprints.
 */
@ExtendWith(LocalKafkaExtension.class)
class SyntheticAlertEndToEndTest {

    private static final String KEY = "synthetic-e2e-key";
    private static final String CHECK = "shop-home";

    private final AtomicInteger pageStatus = new AtomicInteger(200);
    private final AtomicInteger healthyAnswers = new AtomicInteger();
    private HttpServer page;
    private WebhookRecorder receiver;
    private GatewayServer gateway;
    private StreamProcessor processor;
    private AlertSink sink;
    private Prober prober;

    @AfterEach
    void stopAll() {
        if (prober != null) prober.close();
        if (gateway != null) gateway.close();
        if (processor != null) processor.close();
        if (sink != null) sink.close();
        if (receiver != null) receiver.close();
        if (page != null) page.stop(0);
    }

    @Test
    void shouldFireWhenAProbedPageStartsFailingAndResolveWhenItRecovers(LocalKafka kafka, @TempDir Path dir) throws Exception {
        // Given: the page under test (status flipped by the test), a webhook receiver, and every service on
        // topics of its own (the broker is shared with other tests), with 2 s windows.
        page = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        page.createContext("/", exchange -> {
            if (pageStatus.get() == 200) {
                healthyAnswers.incrementAndGet();
            }
            byte[] body = (pageStatus.get() == 200 ? "<h1>Shop</h1>" : "<h1>Internal error</h1>").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(pageStatus.get(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        page.start();
        receiver = WebhookRecorder.start();

        String bootstrap = kafka.bootstrapServers();
        String topics = Stream.of(Topic.values())
                .map(t -> t.configKey() + ": " + kafka.uniqueTopicName("synthetic-e2e-" + t.configKey()))
                .collect(Collectors.joining(", ", "topics: {", "}"));
        Path gatewayYaml = Files.writeString(dir.resolve("gateway.yaml"), """
                http: {host: 127.0.0.1, port: 0}
                kafka: {bootstrap-servers: "%s"}
                keys: [{key: %s, app: shop}]
                %s
                """.formatted(bootstrap, KEY, topics));
        // The shipped rules, synthetic_check_failing and synthetic_check_down among them: no `rules:` here.
        Path processorYaml = Files.writeString(dir.resolve("processor.yaml"), """
                kafka: {bootstrap-servers: "%s"}
                application-id: synthetic-e2e-%s
                state-dir: "%s"
                http: {host: 127.0.0.1, port: 0}
                windows: {size: 2s, grace: 1s, close-check-interval: 200ms}
                commit-interval: 200ms
                %s
                """.formatted(bootstrap, UUID.randomUUID(), dir.resolve("state"), topics));
        // No inhibition: by default the critical synthetic_check_down would mute synthetic_check_failing, and
        // this test follows both through the sink.
        Path sinkYaml = Files.writeString(dir.resolve("sink.yaml"), """
                kafka: {bootstrap-servers: "%s"}
                group-id: synthetic-e2e-sink-%s
                http: {host: 127.0.0.1, port: 0}
                retry: {initial-backoff: 100ms, max-backoff: 1s}
                receivers:
                  - {name: console, type: log}
                  - {name: on-call, type: webhook, url: "http://127.0.0.1:%d/hook", timeout: 5s}
                routes: {"#alerts": [on-call]}
                inhibit-rules: []
                # Every state change at once, as the demo does: the shipped 30 s / 5 m grouping would hold them.
                grouping: {group-by: ["..."], group-wait: 0s, group-interval: 0s, repeat-interval: 0s}
                delivery: {storm-limit: 0}
                %s
                """.formatted(bootstrap, UUID.randomUUID(), receiver.port(), topics));
        GatewayConfig gatewayConfig = GatewayConfig.load(new String[] {"--config", gatewayYaml.toString()}, Map.of());
        kafka.createCatalogueTopics(gatewayConfig.topicCatalogue());
        sink = AlertSink.start(SinkConfig.load(new String[] {"--config", sinkYaml.toString()}));
        processor = StreamProcessor.start(ProcessorConfig.load(new String[] {"--config", processorYaml.toString()}));
        gateway = GatewayServer.start(gatewayConfig);
        Path proberYaml = Files.writeString(dir.resolve("prober.yaml"), """
                gateway: {url: "http://127.0.0.1:%d", key: %s, timeout: 5s}
                http: {host: 127.0.0.1, port: 0}
                checks:
                  - {name: %s, url: "http://127.0.0.1:%d/", interval: 300ms, timeout: 5s, body-contains: Shop}
                """.formatted(gateway.port(), KEY, CHECK, page.getAddress().getPort()));
        prober = Prober.start(ProberConfig.load(proberYaml, Map.of()));
        await().atMost(Duration.ofSeconds(60)).until(() -> healthyAnswers.get() >= 3);

        // When: the page, probed and healthy so far, starts failing.
        pageStatus.set(500);

        // Then: both synthetic rules fire at the webhook, for this check of this app.
        JsonNode failing = awaitAlert("firing", "synthetic_check_failing");
        JsonNode down = awaitAlert("firing", "synthetic_check_down");
        assertThat(failing.get("labels").get("check").asText()).isEqualTo(CHECK);
        assertThat(failing.get("labels").get("app").asText()).isEqualTo("shop");
        assertThat(failing.get("labels").get("severity").asText()).isEqualTo("high");
        assertThat(failing.get("annotations").get("summary").asText()).isEqualTo("A synthetic check failed");
        assertThat(down.get("labels").get("check").asText()).isEqualTo(CHECK);
        assertThat(down.get("labels").get("severity").asText()).isEqualTo("critical");

        // When: the page recovers.
        pageStatus.set(200);

        // Then: both resolve, each with the fingerprint it fired with.
        JsonNode failingResolved = awaitAlert("resolved", "synthetic_check_failing");
        JsonNode downResolved = awaitAlert("resolved", "synthetic_check_down");
        assertThat(failingResolved.get("fingerprint").asText()).isEqualTo(failing.get("fingerprint").asText());
        assertThat(downResolved.get("fingerprint").asText()).isEqualTo(down.get("fingerprint").asText());
    }

    /** The first alert named {@code alertname} in a notification of that status at the webhook. */
    private JsonNode awaitAlert(String status, String alertname) {
        return await().atMost(Duration.ofSeconds(120)).until(() -> receiver.received().stream()
                .filter(n -> status.equals(n.path("status").asText()))
                .flatMap(n -> StreamSupport.stream(n.path("alerts").spliterator(), false))
                .filter(a -> alertname.equals(a.path("labels").path("alertname").asText()))
                .findFirst().orElse(null), a -> a != null);
    }
}
