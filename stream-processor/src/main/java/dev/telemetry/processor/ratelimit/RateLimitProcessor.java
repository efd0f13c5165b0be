package dev.telemetry.processor.ratelimit;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.RequestEvent;
import dev.telemetry.events.derived.RateLimitCount;
import dev.telemetry.processor.rules.Operator;
import dev.telemetry.processor.rules.Severity;
import dev.telemetry.processor.security.SecurityFindings;
import dev.telemetry.processor.stage.DetectorEmitter;
import dev.telemetry.processor.stage.DetectorOutput;
import dev.telemetry.processor.stage.Offense;
import dev.telemetry.processor.stage.ProcessorMetrics;
import dev.telemetry.processor.stage.ProcessorSettings;
import dev.telemetry.processor.stage.ReadProgress;
import dev.telemetry.processor.window.WindowClock;
import dev.telemetry.processor.window.WindowStoreKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

/**
 * The seed's {@code detectAnomalousRequest} on served requests: requests per (ip, endpoint) and minute. Input:
 * envelopes of {@code telemetry.requests}; outputs: per-minute counts per (ip, endpoint) to {@code telemetry.ratelimit}
 * when each minute closes, and the {@code Rate Limit Exceeded} finding to {@code telemetry.security}, with an item for the
 * {@code rate_limit_exceeded} rollup alert (one per app and window, see {@code rollup/}). Runs as the topology's {@code request-checks} processor, the name it had when it also ran
 * the injection checks: kept, so that the running topology only gains a node.
 *
 * <p>The {@code Rate Limit Exceeded} finding is emitted by the request that takes the count over the limit —
 * at once, not at window close — and only by that one: the count is in a changelogged store updated in the
 * same transaction as the finding, so a replay after a crash neither repeats nor loses it. No repartition is
 * needed: requests are keyed by app and endpoint, so every (ip, endpoint) of an app is on one partition.
 */
public final class RateLimitProcessor implements Processor<String, Envelope, String, DetectorOutput> {

    static final String COUNTS_STORE = "ratelimit-counts";
    static final String WATERMARK_STORE = "ratelimit-watermark";
    /** The seed counts per minute, whatever the summary window. */
    static final Duration MINUTE = Duration.ofMinutes(1);
    private static final long NO_OPEN_MINUTE = Long.MAX_VALUE;

    private final ProcessorSettings settings;
    private final int limit;
    private final ProcessorMetrics metrics;
    private final ReadProgress progress;

    private DetectorEmitter emit;
    private KeyValueStore<Bytes, Long> counts;
    private WindowClock clock;
    /**
     * The oldest minute with a count in the store ({@link #NO_OPEN_MINUTE}: none), so that a record that moves
     * the watermark scans the store only when that minute is due: nearly every request moves it, and a scan from
     * the store's first key costs RocksDB a skip over every count deleted since its last compaction.
     */
    private long oldestOpenMinute = NO_OPEN_MINUTE;

    private RateLimitProcessor(ProcessorSettings settings, ProcessorMetrics metrics, ReadProgress progress) {
        this.settings = settings;
        this.limit = settings.detection().rateLimitPerMinute();
        this.metrics = metrics;
        this.progress = progress;
    }

    public static ProcessorSupplier<String, Envelope, String, DetectorOutput> supplier(ProcessorSettings settings,
                                                                                      ProcessorMetrics metrics,
                                                                                      ReadProgress progress) {
        return DetectorEmitter.supplier(() -> new RateLimitProcessor(settings, metrics, progress),
                // Cached: a count is read and written once per request; the cache keeps the hot counts in memory
                // and sends each to RocksDB and the changelog once per commit instead of once per request.
                settings.stateStores().keyValueStore(COUNTS_STORE, Serdes.Bytes(), Serdes.Long()).withCachingEnabled(),
                settings.stateStores().keyValueStore(WATERMARK_STORE, Serdes.String(), Serdes.Long()));
    }

    @Override
    public void init(ProcessorContext<String, DetectorOutput> context) {
        this.emit = new DetectorEmitter(context, metrics);
        this.counts = context.getStateStore(COUNTS_STORE);
        this.clock = new WindowClock(MINUTE, settings.grace(), context.getStateStore(WATERMARK_STORE));
        oldestOpenMinute = NO_OPEN_MINUTE;
        try (KeyValueIterator<Bytes, Long> all = counts.all()) {
            if (all.hasNext()) {
                oldestOpenMinute = WindowStoreKey.windowStart(all.peekNextKey());
            }
        }
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
        oldestOpenMinute = Math.min(oldestOpenMinute, minute);
        if (count == limit + 1L) {
            Instant start = Instant.ofEpochMilli(minute);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("ip", request.ip());
            details.put("endpoint", request.endpoint());
            details.put("count", count);
            details.put("limit", limit);
            details.put("windowStart", start.toString());
            details.put("userAgent", request.userAgent());
            emit.finding(SecurityFindings.finding(SecurityFindings.RATE_LIMIT_EXCEEDED, envelope.app(), request.ip(),
                    request.userAgent(), "high", Instant.ofEpochMilli(time), details, subject + "|" + minute), time);
            // One rollup alert per app and window, not one per IP: a botnet crossing the limit pages once.
            emit.offense(new Offense("rate_limit_exceeded", envelope.app(), Severity.HIGH.wireName(),
                    "requests_per_minute", "ip", request.ip(), limit, Operator.GT.wireName(),
                    "crossed the rate limit of " + limit + " requests/min"), time);
        }
    }

    private void emitClosedMinutes() {
        if (oldestOpenMinute == NO_OPEN_MINUTE || !clock.isClosed(oldestOpenMinute)) {
            return;
        }
        oldestOpenMinute = NO_OPEN_MINUTE;
        List<Bytes> closed = new ArrayList<>();
        try (KeyValueIterator<Bytes, Long> all = counts.all()) {
            while (all.hasNext()) {
                KeyValue<Bytes, Long> entry = all.next();
                long minute = WindowStoreKey.windowStart(entry.key);
                if (!clock.isClosed(minute)) {
                    oldestOpenMinute = minute;
                    break;
                }
                String[] subject = WindowStoreKey.seriesId(entry.key).split("\\|", 3);
                RateLimitCount count = new RateLimitCount(RateLimitCount.SCHEMA_VERSION, subject[0], subject[1], subject[2],
                        Instant.ofEpochMilli(minute), Instant.ofEpochMilli(minute + clock.size()), entry.value, limit,
                        entry.value > limit);
                emit.rateLimitCount(count, minute + clock.size());
                closed.add(entry.key);
            }
        }
        closed.forEach(counts::delete);
        if (!closed.isEmpty()) {
            clock.persist();
        }
    }
}
