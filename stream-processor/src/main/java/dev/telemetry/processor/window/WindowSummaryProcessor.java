package dev.telemetry.processor.window;

import dev.telemetry.events.derived.Summary;
import dev.telemetry.processor.audit.AuditLedger;
import dev.telemetry.processor.audit.Fate;
import dev.telemetry.processor.stage.CardinalityCaps;
import dev.telemetry.processor.stage.ProcessorMetrics;
import dev.telemetry.processor.stage.ProcessorSettings;
import dev.telemetry.processor.stage.StateStoreKind;
import dev.telemetry.processor.stage.ReadProgress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
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
 * neither loses windows nor reopens ones already emitted. With {@linkplain CardinalityCaps caps}, a series new in
 * a window is first {@linkplain SeriesAdmission admitted}; an observation turned away is not aggregated here but
 * forwarded as {@linkplain WindowOutput#overflowed overflow}, which the topology aggregates per app (one overflow
 * series per app, not one per task), so a client sending ids as names or tags cannot grow state without bound.
 */
public final class WindowSummaryProcessor implements Processor<String, RecordObservations, String, WindowOutput> {

    public static final String WINDOWS_STORE = "summary-windows";
    public static final String WATERMARK_STORE = "summary-watermark";
    static final String CARDINALITY_STORE = "summary-cardinality";
    /** The stores of the main aggregation, over the series of the raw topics' keys. */
    static final StoreNames SERIES_STORES = new StoreNames(WINDOWS_STORE, WATERMARK_STORE, CARDINALITY_STORE);

    private static final Logger LOG = LoggerFactory.getLogger(WindowSummaryProcessor.class);
    private static final long NO_OPEN_WINDOW = Long.MAX_VALUE;

    /**
     * The names of one instance's stores. Each use of this processor in the topology needs stores of its own
     * (a store belongs to one processor's task), and stable names keep their changelog topics stable.
     */
    public record StoreNames(String windows, String watermark, String cardinality) {

        /** {@code <prefix>-windows}, {@code <prefix>-watermark}, {@code <prefix>-cardinality}. */
        public static StoreNames prefixed(String prefix) {
            return new StoreNames(prefix + "-windows", prefix + "-watermark", prefix + "-cardinality");
        }
    }

    /**
     * Whether this instance's input comes straight from partitions (its event times may close windows) or was
     * merged from several tasks through a repartition topic (only how far every writer was read may).
     */
    public enum Input { PARTITIONS, MERGED_FROM_TASKS }

    private final ProcessorSettings settings;
    private final StoreNames stores;
    private final Input input;
    private final ReadProgress progress;
    /** {@code null}: every series is admitted (the input is already bounded). */
    private final CardinalityCaps caps;
    /** Whether this instance counts what it does with each raw record (the main aggregation only). */
    private final boolean audited;
    private final ProcessorMetrics metrics;
    /** Series made from all of a window's closed summaries when it closes (see {@link #supplier(ProcessorSettings,
     * ProcessorMetrics, StoreNames, Input, ReadProgress, CardinalityCaps, UnaryOperator)}); null: none. */
    private final UnaryOperator<List<Summary>> derived;

    private ProcessorContext<String, WindowOutput> context;
    private KeyValueStore<Bytes, WindowAggregate> windows;
    private KeyValueStore<Bytes, Long> cardinality;
    private SeriesAdmission admission;
    private AuditLedger ledger;
    private WindowClock clock;
    /** Start of the oldest open window: most records close nothing, and this spares them a store scan. */
    private long oldestOpenWindow = NO_OPEN_WINDOW;
    private TaskId task;
    /** Stream time, for input read straight from partitions. */
    private PartitionStreamTime streamTime;

    private WindowSummaryProcessor(ProcessorSettings settings, ProcessorMetrics metrics, StoreNames stores, Input input,
                                   ReadProgress progress, CardinalityCaps caps, boolean audited,
                                   UnaryOperator<List<Summary>> derived) {
        this.settings = settings;
        this.stores = stores;
        this.input = input;
        this.progress = progress;
        this.caps = caps;
        this.audited = audited;
        this.metrics = metrics;
        this.derived = derived;
    }

    /**
     * The main aggregation with its stores ({@link #SERIES_STORES}), of the settings' kind (persistent and
     * changelogged as deployed), under the settings' cardinality caps; it reads the raw records (one
     * {@link RecordObservations} each) and keeps the audit's account of them ({@link AuditLedger}).
     */
    public static ProcessorSupplier<String, RecordObservations, String, WindowOutput> supplier(ProcessorSettings settings,
                                                                                       ProcessorMetrics metrics,
                                                                                       ReadProgress progress) {
        return supplier(settings, metrics, SERIES_STORES, Input.PARTITIONS, progress,
                settings.detection().cardinality(), true, null);
    }

    /**
     * The processor with its stores under {@code stores}' names, of the settings' kind (persistent and
     * changelogged as deployed); with {@code caps} {@code null} it admits every series.
     */
    public static ProcessorSupplier<String, RecordObservations, String, WindowOutput> supplier(ProcessorSettings settings,
                                                                                       ProcessorMetrics metrics,
                                                                                       StoreNames stores, Input input,
                                                                                       ReadProgress progress,
                                                                                       CardinalityCaps caps) {
        return supplier(settings, metrics, stores, input, progress, caps, false, null);
    }

    /**
     * As {@link #supplier(ProcessorSettings, ProcessorMetrics, StoreNames, Input, ReadProgress, CardinalityCaps)},
     * and when a window closes, {@code derived} makes series of all its closed summaries in this task (e.g. the Core
     * Web Vitals assessment of a page from its LCP, INP and CLS), emitted after them with the same window.
     */
    public static ProcessorSupplier<String, RecordObservations, String, WindowOutput> supplier(ProcessorSettings settings,
                                                                                       ProcessorMetrics metrics,
                                                                                       StoreNames stores, Input input,
                                                                                       ReadProgress progress,
                                                                                       CardinalityCaps caps,
                                                                                       UnaryOperator<List<Summary>> derived) {
        return supplier(settings, metrics, stores, input, progress, caps, false, derived);
    }

    private static ProcessorSupplier<String, RecordObservations, String, WindowOutput> supplier(
            ProcessorSettings settings, ProcessorMetrics metrics, StoreNames stores, Input input, ReadProgress progress,
            CardinalityCaps caps, boolean audited, UnaryOperator<List<Summary>> derived) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, RecordObservations, String, WindowOutput> get() {
                return new WindowSummaryProcessor(settings, metrics, stores, input, progress, caps, audited, derived);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                Set<StoreBuilder<?>> builders = new HashSet<>(Set.of(
                        HotAggregateStore.builder(settings.stateStores().keyValueStore(stores.windows(), Serdes.Bytes(),
                                WindowAggregate.serde()), settings.stateStores() == StateStoreKind.PERSISTENT),
                        settings.stateStores().keyValueStore(stores.watermark(), Serdes.String(),
                                Serdes.Long())));
                if (caps != null) {
                    builders.add(settings.stateStores().keyValueStore(stores.cardinality(),
                            Serdes.Bytes(), Serdes.Long()));
                }
                if (audited) {
                    builders.addAll(AuditLedger.stores(settings.stateStores()));
                }
                return builders;
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, WindowOutput> context) {
        this.context = context;
        this.windows = context.getStateStore(stores.windows());
        if (caps != null) {
            this.cardinality = context.getStateStore(stores.cardinality());
            this.admission = new SeriesAdmission(cardinality, caps, progress::tasks);
        }
        this.clock = new WindowClock(settings.windowSize(), settings.grace(), context.getStateStore(stores.watermark()));
        if (audited) {
            this.ledger = AuditLedger.of(context);
        }
        try (KeyValueIterator<Bytes, WindowAggregate> all = windows.all()) {
            if (all.hasNext()) {
                oldestOpenWindow = WindowStoreKey.windowStart(all.peekNextKey());
            }
        }
        this.task = context.taskId();
        this.streamTime = new PartitionStreamTime(clock, progress, task);
        context.schedule(settings.closeCheckInterval(), PunctuationType.WALL_CLOCK_TIME, now -> {
            if (clock.advanceTo(progress.wallClockReadUpTo(task, now))) {
                emitClosedWindows();
            }
            // Also the counts of records that came after their window closed, at most once per check.
            if (ledger != null && ledger.hasNews(clock)) {
                writeAudit();
            }
        });
    }

    @Override
    public void process(Record<String, RecordObservations> record) {
        RecordObservations in = record.value();
        if (in == null) {
            return;
        }
        long time = record.timestamp();
        long windowStart = clock.windowStart(time);
        Fate fate = in.fate() != null ? in.fate() : aggregate(in.observations(), windowStart, time);
        RecordMetadata source = ledger != null || input == Input.PARTITIONS ? context.recordMetadata().orElseThrow() : null;
        if (ledger != null) {
            ledger.count(windowStart, in.app(), source.topic(), source.partition(), source.offset(), fate);
        }
        if (input != Input.PARTITIONS) {
            return;
        }
        streamTime.noteRead(source.topic(), time);
        // Only events move the clock, as before the audit: a poison record's time is when it reached Kafka, and
        // feedback never fed the windows.
        if (in.fate() == null && !in.observations().isEmpty() && streamTime.advanceTo(time)) {
            emitClosedWindows();
            if (ledger != null && ledger.windowsClosedSinceLastWrite(clock)) {
                writeAudit();
            }
        }
    }

    /** Adds one record's observations to their window; what became of the record. */
    private Fate aggregate(List<SeriesObservation> observations, long windowStart, long time) {
        if (observations.isEmpty()) {
            return Fate.NOT_SUMMARISED;
        }
        if (clock.isClosed(windowStart)) {
            for (SeriesObservation observation : observations) {
                metrics.lateRecordDropped(observation.source());
                LOG.debug("dropped late {} of {} at {}: its window [{}, +{}ms) closed, watermark {}",
                        observation.source().wireName(), observation.seriesId(), Instant.ofEpochMilli(time),
                        Instant.ofEpochMilli(windowStart), clock.size(), Instant.ofEpochMilli(clock.watermark()));
            }
            return Fate.LATE;
        }
        boolean summarised = false;
        for (SeriesObservation observation : observations) {
            Bytes key = WindowStoreKey.of(windowStart, observation.seriesId());
            WindowAggregate aggregate = windows.get(key);
            if (aggregate != null || admitted(windowStart, observation, time)) {
                if (aggregate == null) {
                    aggregate = WindowAggregate.first(observation);
                } else {
                    aggregate.add(observation.value());
                }
                windows.put(key, aggregate);
                oldestOpenWindow = Math.min(oldestOpenWindow, windowStart);
                summarised = true;
            }
        }
        return summarised ? Fate.SUMMARISED : Fate.OVERFLOWED;
    }

    /** Writes the audit's counts of the closed windows and the task's progress, in this transaction. */
    private void writeAudit() {
        long closedAt = clock.watermark();
        if (ledger.write(clock, audit -> context.forward(new Record<>(audit.key(), WindowOutput.audited(audit), closedAt)))) {
            // A restarted task must not reopen windows whose account was written.
            clock.persist();
        }
    }

    /**
     * Whether the first observation of a series in a window opens a window of its own: as the caps decide, if any.
     * One turned away is counted and forwarded as overflow, keyed by its app.
     */
    private boolean admitted(long windowStart, SeriesObservation observation, long time) {
        if (admission == null) {
            return true;
        }
        SeriesAdmission.Overflow overflow = admission.admit(windowStart, observation);
        if (overflow == null) {
            return true;
        }
        metrics.seriesOverflowed(observation.app(), overflow.reason().wireName());
        context.forward(new Record<>(observation.app(), WindowOutput.overflowed(overflow.observation()), time));
        return false;
    }

    /** Emits and forgets every window with {@code end + grace <= watermark}, oldest first. */
    private void emitClosedWindows() {
        if (oldestOpenWindow == NO_OPEN_WINDOW || !clock.isClosed(oldestOpenWindow)) {
            return;
        }
        List<Bytes> closed = new ArrayList<>();
        // The closed summaries of one window (the store is ordered by window start), for the derived series.
        List<Summary> window = new ArrayList<>();
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
                if (derived != null && !window.isEmpty() && !window.get(0).windowStart().equals(summary.windowStart())) {
                    emitDerived(window);
                }
                emit(summary);
                if (derived != null) {
                    window.add(summary);
                }
                closed.add(entry.key);
            }
        }
        if (!window.isEmpty()) {
            emitDerived(window);
        }
        // Deleted after the scan: not every store's iterator tolerates writes under it.
        closed.forEach(windows::delete);
        forgetCounts();
        if (!closed.isEmpty()) {
            clock.persist();
        }
    }

    private void emit(Summary summary) {
        context.forward(new Record<>(summary.key(), WindowOutput.of(summary), summary.windowEnd().toEpochMilli()));
        metrics.summaryEmitted();
    }

    /** The derived series of one closed window's summaries, emitted; {@code window} is emptied. */
    private void emitDerived(List<Summary> window) {
        derived.apply(window).forEach(this::emit);
        window.clear();
    }

    /** Drops the admission counts of the windows that closed. */
    private void forgetCounts() {
        if (cardinality == null) {
            return;
        }
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
    }
}
