package dev.telemetry.processor.topology;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.RequestEvent;
import dev.telemetry.events.derived.RateLimitCount;
import dev.telemetry.processor.rules.EventAlerts;
import dev.telemetry.processor.rules.Operator;
import dev.telemetry.processor.rules.Severity;
import dev.telemetry.processor.security.InjectionDetector;
import dev.telemetry.processor.security.SecurityFindings;
import dev.telemetry.processor.security.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The seed's {@code detectAnomalousRequest}, {@code detectSQLInjectionAttempt} and {@code detectXSSAttempt} on
 * served requests. Input: envelopes of {@code telemetry.requests}; outputs (by child name): per-minute counts
 * per (ip, endpoint) to {@code telemetry.ratelimit} when each minute closes, findings to
 * {@code telemetry.security}, and alerts for them to {@code telemetry.alerts}.
 *
 * <p>The {@code Rate Limit Exceeded} finding is emitted by the request that takes the count over the limit —
 * at once, not at window close — and only by that one: the count is in a changelogged store updated in the
 * same transaction as the finding, so a replay after a crash neither repeats nor loses it. No repartition is
 * needed: requests are keyed by app and endpoint, so every (ip, endpoint) of an app is on one partition.
 */
final class RequestChecksProcessor implements Processor<String, Envelope, String, Object> {

    static final String COUNTS_STORE = "ratelimit-counts";
    static final String WATERMARK_STORE = "ratelimit-watermark";
    static final String RATELIMIT_SINK = "ratelimit-sink";
    static final String FINDINGS_SINK = TelemetryTopology.FINDINGS_SINK;
    static final String ALERTS_SINK = TelemetryTopology.EVENT_ALERTS_SINK;
    /** The seed counts per minute, whatever the summary window. */
    static final Duration MINUTE = Duration.ofMinutes(1);

    private final ProcessorSettings settings;
    private final int limit;
    private final ProcessorMetrics metrics;
    private final ReadProgress progress;
    private final InjectionDetector detector = new InjectionDetector();

    private ProcessorContext<String, Object> context;
    private KeyValueStore<Bytes, Long> counts;
    private WindowClock clock;

    private RequestChecksProcessor(ProcessorSettings settings, ProcessorMetrics metrics, ReadProgress progress) {
        this.settings = settings;
        this.limit = settings.detection().rateLimitPerMinute();
        this.metrics = metrics;
        this.progress = progress;
    }

    static ProcessorSupplier<String, Envelope, String, Object> supplier(ProcessorSettings settings, ProcessorMetrics metrics,
                                                                       ReadProgress progress) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, Envelope, String, Object> get() {
                return new RequestChecksProcessor(settings, metrics, progress);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(COUNTS_STORE), Serdes.Bytes(), Serdes.Long()),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(WATERMARK_STORE), Serdes.String(),
                                Serdes.Long()));
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.counts = context.getStateStore(COUNTS_STORE);
        this.clock = new WindowClock(MINUTE, settings.grace(), context.getStateStore(WATERMARK_STORE));
        TaskId task = context.taskId();
        context.schedule(settings.closeCheckInterval(), PunctuationType.WALL_CLOCK_TIME, now -> {
            if (clock.advanceTo(progress.wallClockReadUpTo(task, now))) {
                emitClosedMinutes();
            }
        });
    }

    @Override
    public void process(Record<String, Envelope> record) {
        Envelope envelope = record.value();
        if (envelope == null || !(envelope.event() instanceof RequestEvent request)) {
            return;
        }
        inspect(envelope, request, "path", request.endpoint());
        inspect(envelope, request, "query", request.query());
        countTowardsLimit(envelope, request, record.timestamp());
        if (clock.advanceTo(record.timestamp())) {
            emitClosedMinutes();
        }
    }

    private void countTowardsLimit(Envelope envelope, RequestEvent request, long time) {
        long minute = clock.windowStart(time);
        if (clock.isClosed(minute)) {
            metrics.lateRecordDropped(envelope.type());
            return;
        }
        String subject = envelope.app() + "|" + request.ip() + "|" + request.endpoint();
        Bytes key = WindowStoreKey.of(minute, subject);
        Long stored = counts.get(key);
        long count = stored == null ? 1 : stored + 1;
        counts.put(key, count);
        if (count == limit + 1L) {
            Instant start = Instant.ofEpochMilli(minute);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("ip", request.ip());
            details.put("endpoint", request.endpoint());
            details.put("count", count);
            details.put("limit", limit);
            details.put("windowStart", start.toString());
            details.put("userAgent", request.userAgent());
            emitFinding(SecurityFindings.finding(SecurityFindings.RATE_LIMIT_EXCEEDED, envelope.app(), request.ip(),
                    request.userAgent(), "high", Instant.ofEpochMilli(time), details, subject + "|" + minute), time);
            emitAlert(EventAlerts.firing("rate_limit_exceeded", "requests_per_minute", envelope.app(),
                    Map.of("ip", request.ip(), "endpoint", request.endpoint()), count, limit, Operator.GT, Severity.HIGH,
                    settings.detection().securityChannels(),
                    Map.of("summary", "More than " + limit + " requests per minute from one IP to one endpoint"), start),
                    time);
        }
    }

    private void inspect(Envelope envelope, RequestEvent request, String field, String input) {
        Verdict verdict = detector.inspect(input);
        if (!verdict.attack()) {
            return;
        }
        String finding = verdict.attackClass().findingName();
        Instant at = envelope.eventTime();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("class", verdict.attackClass().wireName());
        details.put("field", field);
        details.put("input", input);
        details.put("rule", verdict.rule());
        details.put("ip", request.ip());
        details.put("endpoint", request.endpoint());
        details.put("method", request.method());
        emitFinding(SecurityFindings.finding(finding, envelope.app(), request.ip(), request.userAgent(), "high", at, details,
                envelope.eventId() + "|" + field), at.toEpochMilli());
        emitAlert(EventAlerts.firing(verdict.attackClass().wireName() + "_attempt", "injection_attempts", envelope.app(),
                Map.of("ip", request.ip(), "endpoint", request.endpoint(), "field", field), 1, 0, Operator.GT,
                Severity.HIGH, settings.detection().securityChannels(),
                Map.of("summary", finding + " in the request " + field), at), at.toEpochMilli());
    }

    private void emitFinding(Envelope finding, long time) {
        context.forward(new Record<>(finding.key(), finding, time), FINDINGS_SINK);
        metrics.findingEmitted(((dev.telemetry.events.SecurityEvent) finding.event()).event());
    }

    private void emitAlert(dev.telemetry.events.derived.AlertEvent alert, long time) {
        context.forward(new Record<>(alert.fingerprint(), alert, time), ALERTS_SINK);
        metrics.alertChanged(alert.status());
    }

    private void emitClosedMinutes() {
        List<Bytes> closed = new ArrayList<>();
        try (KeyValueIterator<Bytes, Long> all = counts.all()) {
            while (all.hasNext()) {
                KeyValue<Bytes, Long> entry = all.next();
                long minute = WindowStoreKey.windowStart(entry.key);
                if (!clock.isClosed(minute)) {
                    break;
                }
                String[] subject = WindowStoreKey.seriesId(entry.key).split("\\|", 3);
                RateLimitCount count = new RateLimitCount(RateLimitCount.SCHEMA_VERSION, subject[0], subject[1], subject[2],
                        Instant.ofEpochMilli(minute), Instant.ofEpochMilli(minute + clock.size()), entry.value, limit,
                        entry.value > limit);
                context.forward(new Record<>(count.key(), count, minute + clock.size()), RATELIMIT_SINK);
                closed.add(entry.key);
            }
        }
        closed.forEach(counts::delete);
        if (!closed.isEmpty()) {
            clock.persist();
        }
    }
}
