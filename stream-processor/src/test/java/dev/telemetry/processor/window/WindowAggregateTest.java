package dev.telemetry.processor.window;

import static org.assertj.core.api.Assertions.assertThat;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import dev.telemetry.events.EventType;
import dev.telemetry.events.derived.Summary;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stored form of an open window, across a restart: what a task restores from its changelog. */
class WindowAggregateTest {

    private static final Instant START = Instant.parse("2025-03-01T10:00:00Z");
    private static final Instant END = START.plusSeconds(60);

    @Test
    void shouldKeepExactValuesAcrossARestartWhenWindowHoldsFew() {
        WindowAggregate aggregate = aggregate(13, 282.7, 40);

        WindowAggregate restored = roundTrip(aggregate);
        restored.add(41);

        Summary summary = restored.toSummary(START, END);
        assertThat(summary.count()).isEqualTo(4);
        // Sorted 13, 40, 41, 282.7: nearest ranks 2, 3, 4, 4, 4.
        assertThat(new double[] {summary.p50(), summary.p75(), summary.p90(), summary.p95(), summary.p99()})
                .containsExactly(40, 41, 282.7, 282.7, 282.7);
    }

    @Test
    void shouldGoOnWithTheSketchAcrossARestartWhenWindowHeldMoreThanTheExactLimit() {
        double[] values = new double[WindowAggregate.EXACT_VALUES + 10];
        for (int i = 0; i < values.length; i++) {
            values[i] = i + 1;
        }
        WindowAggregate restored = roundTrip(aggregate(values));
        restored.add(1_000);

        Summary summary = restored.toSummary(START, END);
        assertThat(summary.count()).isEqualTo(values.length + 1);
        assertThat(summary.max()).isEqualTo(1_000);
        assertThat(summary.p50()).isCloseTo(134, org.assertj.core.api.Assertions.within(134 * 0.011));
    }

    @Test
    void shouldLoadAnAggregateStoredBeforeExactValuesWereKept() throws Exception {
        // Format 1, as the processor wrote it before: identity, exact statistics, no ratings, the sketch.
        DDSketch sketch = DDSketches.collapsingLowestDense(WindowAggregate.RELATIVE_ACCURACY, WindowAggregate.MAX_BINS);
        sketch.accept(13);
        sketch.accept(282.7);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(1);
        out.writeUTF("shop");
        out.writeUTF("latency_ms");
        out.writeUTF("latency_ms");
        out.writeShort(0);
        out.writeLong(2);
        out.writeDouble(295.7);
        out.writeDouble(13);
        out.writeDouble(282.7);
        out.writeBoolean(false);
        com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput encoded =
                com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput.withInitialCapacity(64);
        sketch.encode(encoded, false);
        out.writeInt(encoded.numWrittenBytes());
        out.write(encoded.backingArray(), 0, encoded.numWrittenBytes());
        out.flush();

        WindowAggregate old = WindowAggregate.serde().deserializer().deserialize("changelog", bytes.toByteArray());
        old.add(300);

        Summary summary = old.toSummary(START, END);
        assertThat(summary.count()).isEqualTo(3);
        assertThat(summary.sum()).isEqualTo(595.7);
        assertThat(summary.max()).isEqualTo(300);
        assertThat(summary.p50()).as("the sketch's answer: the old window has no exact values").isBetween(13.0, 300.0);
    }

    private static WindowAggregate aggregate(double... values) {
        WindowAggregate aggregate = WindowAggregate.first(new SeriesObservation(EventType.METRIC, "shop", "latency_ms",
                "latency_ms", Map.of(), values[0]));
        for (int i = 1; i < values.length; i++) {
            aggregate.add(values[i]);
        }
        return aggregate;
    }

    private static WindowAggregate roundTrip(WindowAggregate aggregate) {
        byte[] stored = WindowAggregate.serde().serializer().serialize("changelog", aggregate);
        return WindowAggregate.serde().deserializer().deserialize("changelog", stored);
    }
}
