package dev.telemetry.auditor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.MetricEvent;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.derived.AuditRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The reconciliation on its own: when a window is judged, and what a row says. */
class ReconcilerTest {

    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    private static final Instant T1 = T0.plus(Duration.ofMinutes(1));
    private static final String TOPIC = "telemetry.metrics";

    @Test
    void shouldStayPendingUntilEveryPartitionIsReadThenReportTheWholeWindowsMismatch() {
        Reconciler reconciler = new Reconciler();
        // The processor: 3 events on partition 0 (one counted twice: 4), 2 on partition 1; both read to the end
        reconciler.audit(AuditRecord.counts("shop", TOPIC, 0, T0, T1, 4, 0, 0, 0, 0));
        reconciler.audit(AuditRecord.counts("shop", TOPIC, 1, T0, T1, 2, 0, 0, 0, 0));
        reconciler.audit(AuditRecord.progress(TOPIC, 0, 3, T1));
        reconciler.audit(AuditRecord.progress(TOPIC, 1, 2, T1));

        // When: the auditor has read partition 0, not yet partition 1
        for (int offset = 0; offset < 3; offset++) {
            reconciler.raw(TOPIC, 0, offset, key(), envelope(T0.plusSeconds(offset)), 0);
        }
        reconciler.rawReadTo(TOPIC, 0, 3);
        reconciler.rawReadTo(TOPIC, 1, 0);

        // Then: the row waits; its numbers would be a part of the window
        assertThat(reconciler.rows(T0, T1, null)).singleElement()
                .satisfies(row -> assertThat(row.status()).isEqualTo(AuditRow.Status.PENDING));

        // When: partition 1 is read too
        for (int offset = 0; offset < 2; offset++) {
            reconciler.raw(TOPIC, 1, offset, key(), envelope(T0.plusSeconds(10 + offset)), 0);
        }
        reconciler.rawReadTo(TOPIC, 1, 2);

        // Then: the whole window, both sides
        assertThat(reconciler.rows(T0, T1, null)).singleElement().satisfies(row -> {
            assertThat(row.status()).isEqualTo(AuditRow.Status.MISMATCH);
            assertThat(row.published()).isEqualTo(5);
            assertThat(row.accounted()).isEqualTo(6);
        });
    }

    @Test
    void shouldCountARecordThatIsNotAnEnvelopeUnderItsKeysAppAndKafkaTime() {
        Reconciler reconciler = new Reconciler();
        reconciler.audit(AuditRecord.counts("shop", TOPIC, 0, T0, T1, 0, 0, 1, 0, 0));
        reconciler.audit(AuditRecord.progress(TOPIC, 0, 1, T1));
        reconciler.raw(TOPIC, 0, 0, "shop|checkout".getBytes(StandardCharsets.UTF_8),
                "{not json".getBytes(StandardCharsets.UTF_8), T0.plusSeconds(30).toEpochMilli());
        reconciler.rawReadTo(TOPIC, 0, 1);

        List<AuditRow> rows = reconciler.rows(T0, T1, "shop");
        assertThat(rows).singleElement().satisfies(row -> {
            assertThat(row.status()).isEqualTo(AuditRow.Status.MATCH);
            assertThat(row.deadLettered()).isEqualTo(1);
        });
        assertThat(RawRecordRule.poisonApp(null)).isEqualTo("unknown");
        assertThat(RawRecordRule.poisonApp("|x".getBytes(StandardCharsets.UTF_8))).isEqualTo("unknown");
    }

    private static byte[] key() {
        return "shop|m".getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] envelope(Instant at) {
        return JsonCodec.standard().writeEnvelope(new Envelope(Envelope.SCHEMA_VERSION, UUID.randomUUID().toString(),
                null, "shop", at, at, "203.0.113.9", "test", new MetricEvent("m", 1, at.toEpochMilli(), Map.of())));
    }
}
