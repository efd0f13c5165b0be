package dev.telemetry.benchmarks.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telemetry.benchmarks.vitals.WebVitals;
import dev.telemetry.events.Envelope;
import dev.telemetry.events.VitalEvent;
import dev.telemetry.events.codec.JsonCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.IntFunction;

/**
 * Writes the inputs of {@code benchmarks/gateway-benchmark.sh --vitals} (issue 19): {@code vitals-plain.json} and
 * {@code vitals-attribution.json}, one request of 100 web vitals each ({@link WebVitals}: the same 100 vitals, the
 * second time with the attribution build's object, form factor and connection), {@code vitals-client.json} (the same
 * as this repository's browser client sends them: the attribution's plain fields only), and
 * {@code vitals-plain-payloads.txt} / {@code vitals-attribution-payloads.txt}, the envelopes the gateway writes for
 * them (read here with the gateway's own {@link VitalEvent#read}, which also proves that it accepts every item), for
 * a ProducerPerformance run on the same envelopes. Prints the body and mean envelope sizes in bytes, as
 * {@code plain_body=... attribution_body=... plain_envelope=... attribution_envelope=...}.
 */
public final class VitalsPayloads {

    private VitalsPayloads() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: VitalsPayloads <output-dir>");
            System.exit(2);
        }
        Path dir = Files.createDirectories(Path.of(args[0]));
        long plainBody = write(dir, "plain", WebVitals::plain);
        long attributionBody = write(dir, "attribution", WebVitals::withAttribution);
        // The browser client's body stores the same envelopes as the attribution build's: no envelopes of its own.
        long clientBody = write(dir, "client", WebVitals::asBrowserClientSends);
        long plainEnvelope = envelopes(dir, "plain", WebVitals::plain);
        long attributionEnvelope = envelopes(dir, "attribution", WebVitals::withAttribution);
        System.out.printf("plain_body=%d attribution_body=%d client_body=%d plain_envelope=%d attribution_envelope=%d%n",
                plainBody, attributionBody, clientBody, plainEnvelope, attributionEnvelope);
    }

    private static long write(Path dir, String kind, IntFunction<ObjectNode> vital) throws IOException {
        List<ObjectNode> items = new ArrayList<>();
        for (int i = 0; i < GatewayPayloads.BATCH; i++) {
            items.add(vital.apply(i));
            WebVitals.read(items.get(i));
        }
        byte[] body = WebVitals.batch(items).getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve("vitals-" + kind + ".json"), body);
        return body.length;
    }

    /** 1 000 envelopes as the gateway writes them for the vitals of the bodies; returns their mean size. */
    private static long envelopes(Path dir, String kind, IntFunction<ObjectNode> vital) throws IOException {
        JsonCodec codec = JsonCodec.standard();
        Instant now = Instant.now();
        StringBuilder out = new StringBuilder();
        long bytes = 0;
        int count = 1000;
        for (int i = 0; i < count; i++) {
            VitalEvent event = WebVitals.read(vital.apply(i % GatewayPayloads.BATCH));
            Envelope envelope = new Envelope(Envelope.SCHEMA_VERSION, UUID.randomUUID().toString(), event.eventType(),
                    "bench", now, now, "127.0.0.1", "wrk", event);
            String json = new String(codec.writeEnvelope(envelope), StandardCharsets.UTF_8);
            bytes += json.getBytes(StandardCharsets.UTF_8).length;
            out.append(json).append('\n');
        }
        Files.writeString(dir.resolve("vitals-" + kind + "-payloads.txt"), out);
        return bytes / count;
    }
}
