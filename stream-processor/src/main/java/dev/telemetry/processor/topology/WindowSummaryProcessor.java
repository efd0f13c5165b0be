package dev.telemetry.processor.topology;

import dev.telemetry.events.derived.Summary;
import dev.telemetry.events.SeriesKeys;
import java.util.Map;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tumbling event-time windows per series, each emitted exactly once as a {@link Summary} when it closes
 * (see {@link WindowClock} for when: stream time or, for quiet series, the wall clock up to where the input has
 * been read).
 * Input: series observations (from the raw topics, or from a repartition topic keyed by app); output: summaries
 * for {@code telemetry.summaries} and for rule evaluation. Generic over observations: the topology uses it once
 * per key space, each with {@linkplain StoreNames stores of its own}.
 *
 * <p>An event whose window already closed is dropped and counted. The open windows (in a
 * {@link HotAggregateStore}) and the watermark live in changelogged stores, so a restarted or migrated task
 * neither loses windows nor reopens ones already emitted. At most {@code maxSeriesPerMetric} label sets of one
 * app and metric are kept per window; observations of further label sets go to one series labelled
 * {@code overflow=true} and are counted, so a client sending ids as tags cannot grow state without bound.
 */
final class WindowSummaryProcessor implements Processor<String, SeriesObservation, String, Summary> {

    static final String WINDOWS_STORE = "summary-windows";
    static final String WATERMARK_STORE = "summary-watermark";
    static final String CARDINALITY_STORE = "summary-cardinality";
    /** The stores of the main aggregation, over the series of the raw topics' keys. */
    static final StoreNames SERIES_STORES = new StoreNames(WINDOWS_STORE, WATERMARK_STORE, CARDINALITY_STORE);
    static final String OVERFLOW_LABEL = "overflow";

    private static final Logger LOG = LoggerFactory.getLogger(WindowSummaryProcessor.class);
    private static final long NO_OPEN_WINDOW = Long.MAX_VALUE;

    /**
     * The names of one instance's stores. Each use of this processor in the topology needs stores of its own
     * (a store belongs to one processor's task), and stable names keep their changelog topics stable.
     */
    record StoreNames(String windows, String watermark, String cardinality) {

        /** {@code <prefix>-windows}, {@code <prefix>-watermark}, {@code <prefix>-cardinality}. */
        static StoreNames prefixed(String prefix) {
            return new StoreNames(prefix + "-windows", prefix + "-watermark", prefix + "-cardinality");
        }
    }

    /**
     * Whether this instance's input comes straight from partitions (its event times may close windows) or was
     * merged from several tasks through a repartition topic (only how far every writer was read may).
     */
    enum Input { PARTITIONS, MERGED_FROM_TASKS }

    private final ProcessorSettings settings;
    private final StoreNames stores;
    private final Input input;
    private final ReadProgress progress;
    private final int maxSeriesPerMetric;
    private final ProcessorMetrics metrics;

    private ProcessorContext<String, Summary> context;
    private KeyValueStore<Bytes, WindowAggregate> windows;
    private KeyValueStore<Bytes, Long> cardinality;
    private WindowClock clock;
    /** Start of the oldest open window: most records close nothing, and this spares them a store scan. */
    private long oldestOpenWindow = NO_OPEN_WINDOW;

    private WindowSummaryProcessor(ProcessorSettings settings, ProcessorMetrics metrics, StoreNames stores, Input input,
                                   ReadProgress progress) {
        this.settings = settings;
        this.stores = stores;
        this.input = input;
        this.progress = progress;
        this.maxSeriesPerMetric = settings.detection().maxSeriesPerMetric();
        this.metrics = metrics;
    }

    /** The main aggregation with its stores ({@link #SERIES_STORES}), all persistent and changelogged. */
    static ProcessorSupplier<String, SeriesObservation, String, Summary> supplier(ProcessorSettings settings,
                                                                                 ProcessorMetrics metrics,
                                                                                 ReadProgress progress) {
        return supplier(settings, metrics, SERIES_STORES, Input.PARTITIONS, progress);
    }

    /** The processor with its stores under {@code stores}' names, all persistent and changelogged. */
    static ProcessorSupplier<String, SeriesObservation, String, Summary> supplier(ProcessorSettings settings,
                                                                                 ProcessorMetrics metrics,
                                                                                 StoreNames stores, Input input,
                                                                                 ReadProgress progress) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, SeriesObservation, String, Summary> get() {
                return new WindowSummaryProcessor(settings, metrics, stores, input, progress);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(
                        HotAggregateStore.builder(Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(stores.windows()), Serdes.Bytes(), WindowAggregate.serde())),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(stores.watermark()), Serdes.String(),
                                Serdes.Long()),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(stores.cardinality()), Serdes.Bytes(),
                                Serdes.Long()));
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, Summary> context) {
        this.context = context;
        this.windows = context.getStateStore(stores.windows());
        this.cardinality = context.getStateStore(stores.cardinality());
        this.clock = new WindowClock(settings.windowSize(), settings.grace(), context.getStateStore(stores.watermark()));
        try (KeyValueIterator<Bytes, WindowAggregate> all = windows.all()) {
            if (all.hasNext()) {
                oldestOpenWindow = WindowStoreKey.windowStart(all.peekNextKey());
            }
        }
        TaskId task = context.taskId();
        context.schedule(settings.closeCheckInterval(), PunctuationType.WALL_CLOCK_TIME, now -> {
            if (clock.advanceTo(progress.wallClockReadUpTo(task, now))) {
                emitClosedWindows();
            }
        });
    }

    @Override
    public void process(Record<String, SeriesObservation> record) {
        SeriesObservation observation = record.value();
        if (observation == null) {
            return;
        }
        long time = record.timestamp();
        long windowStart = clock.windowStart(time);
        if (clock.isClosed(windowStart)) {
            metrics.lateRecordDropped(observation.source());
            LOG.debug("dropped late {} of {} at {}: its window [{}, +{}ms) closed, watermark {}",
                    observation.source().wireName(), observation.seriesId(), Instant.ofEpochMilli(time),
                    Instant.ofEpochMilli(windowStart), clock.size(), Instant.ofEpochMilli(clock.watermark()));
            return;
        }
        Bytes key = WindowStoreKey.of(windowStart, observation.seriesId());
        WindowAggregate aggregate = windows.get(key);
        if (aggregate == null) {
            observation = withinCardinalityCap(windowStart, observation);
            key = WindowStoreKey.of(windowStart, observation.seriesId());
            aggregate = windows.get(key);
        }
        if (aggregate == null) {
            aggregate = WindowAggregate.first(observation);
        } else {
            aggregate.add(observation.value());
        }
        windows.put(key, aggregate);
        oldestOpenWindow = Math.min(oldestOpenWindow, windowStart);
        if (input == Input.PARTITIONS && clock.advanceTo(time)) {
            emitClosedWindows();
        }
    }

    /**
     * The observation itself while its app and metric have fewer than the cap of series in this window;
     * otherwise the same value for the metric's overflow series, counted.
     */
    private SeriesObservation withinCardinalityCap(long windowStart, SeriesObservation observation) {
        Bytes key = WindowStoreKey.of(windowStart, observation.app() + "|" + observation.metric());
        Long series = cardinality.get(key);
        long count = series == null ? 0 : series;
        if (count < maxSeriesPerMetric) {
            cardinality.put(key, count + 1);
            return observation;
        }
        metrics.seriesOverflowed(observation.metric());
        Map<String, String> overflow = Map.of(OVERFLOW_LABEL, "true");
        return new SeriesObservation(observation.source(), observation.app(), observation.metric(),
                SeriesKeys.format(observation.metric(), overflow), overflow, observation.value());
    }

    /** Emits and forgets every window with {@code end + grace <= watermark}, oldest first. */
    private void emitClosedWindows() {
        if (oldestOpenWindow == NO_OPEN_WINDOW || !clock.isClosed(oldestOpenWindow)) {
            return;
        }
        List<Bytes> closed = new ArrayList<>();
        oldestOpenWindow = NO_OPEN_WINDOW;
        try (KeyValueIterator<Bytes, WindowAggregate> all = windows.all()) {
            while (all.hasNext()) {
                KeyValue<Bytes, WindowAggregate> entry = all.next();
                long windowStart = WindowStoreKey.windowStart(entry.key);
                if (!clock.isClosed(windowStart)) {
                    oldestOpenWindow = windowStart;
                    break;
                }
                long windowEnd = windowStart + clock.size();
                Summary summary = entry.value.toSummary(Instant.ofEpochMilli(windowStart), Instant.ofEpochMilli(windowEnd));
                context.forward(new Record<>(summary.key(), summary, windowEnd));
                metrics.summaryEmitted();
                closed.add(entry.key);
            }
        }
        // Deleted after the scan: not every store's iterator tolerates writes under it.
        closed.forEach(windows::delete);
        List<Bytes> counters = new ArrayList<>();
        try (KeyValueIterator<Bytes, Long> all = cardinality.all()) {
            while (all.hasNext()) {
                Bytes key = all.next().key;
                if (!clock.isClosed(WindowStoreKey.windowStart(key))) {
                    break;
                }
                counters.add(key);
            }
        }
        counters.forEach(cardinality::delete);
        if (!closed.isEmpty()) {
            clock.persist();
        }
    }
}
