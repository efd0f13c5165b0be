package dev.telemetry.benchmarks.gateway;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.MetricEvent;
import dev.telemetry.events.codec.JsonCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes the inputs of {@code benchmarks/gateway-benchmark.sh}, so the baseline and the gateway move
 * the same data: {@code baseline-payloads.txt} holds the envelopes the gateway would write for the
 * benchmark's metrics (ProducerPerformance sends them as they are), {@code batch.json} is one request
 * of 100 of the seed's {@code sendMetric} bodies with distinct series, {@code single.json} one of them.
 * Prints the mean envelope size in bytes.
 */
public final class GatewayPayloads {

    static final int BATCH = 100;

    private GatewayPayloads() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: GatewayPayloads <output-dir>");
            System.exit(2);
        }
        Path dir = Files.createDirectories(Path.of(args[0]));
        JsonCodec codec = JsonCodec.standard();
        long now = System.currentTimeMillis();

        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            bodies.add("{\"name\":\"checkout_step_" + i + "_ms\",\"value\":" + (100 + i) + ".5,\"timestamp\":" + now + "}");
        }
        Files.writeString(dir.resolve("batch.json"), "[" + String.join(",", bodies) + "]");
        Files.writeString(dir.resolve("single.json"), bodies.get(0));

        StringBuilder envelopes = new StringBuilder();
        long bytes = 0;
        int count = 1000;
        for (int i = 0; i < count; i++) {
            MetricEvent event = new MetricEvent("checkout_step_" + (i % BATCH) + "_ms", 100 + i % BATCH + 0.5, now, Map.of());
            Envelope envelope = new Envelope(Envelope.SCHEMA_VERSION, UUID.randomUUID().toString(), event.eventType(), "bench",
                    Instant.ofEpochMilli(now), Instant.ofEpochMilli(now), "127.0.0.1", "wrk", event);
            String json = new String(codec.writeEnvelope(envelope), StandardCharsets.UTF_8);
            bytes += json.getBytes(StandardCharsets.UTF_8).length;
            envelopes.append(json).append('\n');
        }
        Files.writeString(dir.resolve("baseline-payloads.txt"), envelopes);
        System.out.println(bytes / count);
    }
}
