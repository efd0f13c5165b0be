package dev.telemetry.processor.topology;

import dev.telemetry.events.derived.Summary;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tumbling event-time windows per series, each emitted exactly once as a {@link Summary} when it closes.
 * Input: series observations from {@code telemetry.metrics}, {@code telemetry.vitals} and
 * {@code telemetry.actions}; output: summaries for {@code telemetry.summaries} and for rule evaluation.
 *
 * <p>A window {@code [start, end)} closes when the watermark reaches {@code end + grace}. The watermark is
 * the highest event time seen (stream time) and also the wall clock, so that a series that goes quiet
 * still gets its last window emitted: the DSL's {@code onWindowClose()} and {@code suppress} only close on
 * newer records, and a lone event would wait forever. The wall clock only counts once this task has
 * received no record for {@code max(grace, close-check interval)}: while a backlog is being read (after a
 * restart, or under lag) records are behind the wall clock, and closing their windows by the wall clock
 * would drop the whole backlog as late. For live data the condition always holds by the time a window is
 * due, so it delays nothing.
 *
 * <p>An event whose window already closed ({@code end + grace <= watermark}) is dropped and counted.
 * Both the open windows and the watermark live in changelogged stores, so a restarted or migrated task
 * neither loses windows nor reopens ones already emitted.
 */
final class WindowSummaryProcessor implements Processor<String, SeriesObservation, String, Summary> {

    static final String WINDOWS_STORE = "summary-windows";
    static final String WATERMARK_STORE = "summary-watermark";

    private static final Logger LOG = LoggerFactory.getLogger(WindowSummaryProcessor.class);
    private static final String WATERMARK_KEY = "watermark";
    private static final long NONE = Long.MIN_VALUE;
    private static final long NO_OPEN_WINDOW = Long.MAX_VALUE;

    private final long size;
    private final long grace;
    private final Duration closeCheckInterval;
    private final long idleBeforeWallClock;
    private final ProcessorMetrics metrics;

    private ProcessorContext<String, Summary> context;
    private KeyValueStore<Bytes, WindowAggregate> windows;
    private KeyValueStore<String, Long> watermarkStore;
    private long watermark;
    private long lastRecordWallClock;
    /** Start of the oldest open window: most records close nothing, and this spares them a store scan. */
    private long oldestOpenWindow = NO_OPEN_WINDOW;

    private WindowSummaryProcessor(ProcessorSettings settings, ProcessorMetrics metrics) {
        this.size = settings.windowSize().toMillis();
        this.grace = settings.grace().toMillis();
        this.closeCheckInterval = settings.closeCheckInterval();
        this.idleBeforeWallClock = Math.max(grace, closeCheckInterval.toMillis());
        this.metrics = metrics;
    }

    /** The processor with its two stores, both persistent and changelogged under stable names. */
    static ProcessorSupplier<String, SeriesObservation, String, Summary> supplier(ProcessorSettings settings,
                                                                                 ProcessorMetrics metrics) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, SeriesObservation, String, Summary> get() {
                return new WindowSummaryProcessor(settings, metrics);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(
                        HotAggregateStore.builder(Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(WINDOWS_STORE), Serdes.Bytes(), WindowAggregate.serde())),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(WATERMARK_STORE), Serdes.String(),
                                Serdes.Long()));
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, Summary> context) {
        this.context = context;
        this.windows = context.getStateStore(WINDOWS_STORE);
        this.watermarkStore = context.getStateStore(WATERMARK_STORE);
        Long stored = watermarkStore.get(WATERMARK_KEY);
        this.watermark = stored == null ? NONE : stored;
        try (KeyValueIterator<Bytes, WindowAggregate> all = windows.all()) {
            if (all.hasNext()) {
                oldestOpenWindow = WindowStoreKey.windowStart(all.peekNextKey());
            }
        }
        this.lastRecordWallClock = context.currentSystemTimeMs();
        context.schedule(closeCheckInterval, PunctuationType.WALL_CLOCK_TIME, this::closeByWallClock);
    }

    @Override
    public void process(Record<String, SeriesObservation> record) {
        SeriesObservation observation = record.value();
        if (observation == null) {
            return;
        }
        lastRecordWallClock = context.currentSystemTimeMs();
        long time = record.timestamp();
        long windowStart = time - Math.floorMod(time, size);
        if (closesAt(windowStart) <= watermark) {
            metrics.lateRecordDropped(observation.source());
            LOG.debug("dropped late {} of {} at {}: its window [{}, +{}ms) closed, watermark {}",
                    observation.source().wireName(), observation.seriesId(), Instant.ofEpochMilli(time),
                    Instant.ofEpochMilli(windowStart), size, Instant.ofEpochMilli(watermark));
            return;
        }
        Bytes key = WindowStoreKey.of(windowStart, observation.seriesId());
        WindowAggregate aggregate = windows.get(key);
        if (aggregate == null) {
            aggregate = WindowAggregate.first(observation);
        } else {
            aggregate.add(observation.value());
        }
        windows.put(key, aggregate);
        oldestOpenWindow = Math.min(oldestOpenWindow, windowStart);
        if (time > watermark) {
            advanceTo(time);
        }
    }

    private void closeByWallClock(long now) {
        if (now > watermark && now - lastRecordWallClock >= idleBeforeWallClock) {
            advanceTo(now);
        }
    }

    private void advanceTo(long newWatermark) {
        watermark = newWatermark;
        if (emitClosedWindows() > 0) {
            // Stored only when windows close: all a restarted task needs is to never reopen an emitted window,
            // and the changelog is spared one write per record.
            watermarkStore.put(WATERMARK_KEY, newWatermark);
        }
    }

    /** Emits and forgets every window with {@code end + grace <= watermark}, oldest first; returns how many. */
    private int emitClosedWindows() {
        if (oldestOpenWindow == NO_OPEN_WINDOW || closesAt(oldestOpenWindow) > watermark) {
            return 0;
        }
        List<Bytes> closed = new ArrayList<>();
        oldestOpenWindow = NO_OPEN_WINDOW;
        try (KeyValueIterator<Bytes, WindowAggregate> all = windows.all()) {
            while (all.hasNext()) {
                KeyValue<Bytes, WindowAggregate> entry = all.next();
                long windowStart = WindowStoreKey.windowStart(entry.key);
                if (closesAt(windowStart) > watermark) {
                    oldestOpenWindow = windowStart;
                    break;
                }
                long windowEnd = windowStart + size;
                Summary summary = entry.value.toSummary(Instant.ofEpochMilli(windowStart), Instant.ofEpochMilli(windowEnd));
                context.forward(new Record<>(summary.key(), summary, windowEnd));
                metrics.summaryEmitted();
                closed.add(entry.key);
            }
        }
        // Deleted after the scan: not every store's iterator tolerates writes under it.
        closed.forEach(windows::delete);
        return closed.size();
    }

    private long closesAt(long windowStart) {
        return windowStart + size + grace;
    }
}
