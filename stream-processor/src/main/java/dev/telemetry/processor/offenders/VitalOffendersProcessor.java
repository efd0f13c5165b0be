package dev.telemetry.processor.offenders;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.VitalAttribution;
import dev.telemetry.events.VitalEvent;
import dev.telemetry.events.derived.VitalOffenders;
import dev.telemetry.processor.stage.ProcessorSettings;
import dev.telemetry.processor.stage.ReadProgress;
import dev.telemetry.processor.stage.VitalOffendersLimits;
import dev.telemetry.processor.window.PartitionStreamTime;
import dev.telemetry.processor.window.SeriesObservations;
import dev.telemetry.processor.window.VitalRatings;
import dev.telemetry.processor.window.WindowClock;
import dev.telemetry.processor.window.WindowStoreKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The top offenders of the web vitals: per app, page, vital (LCP, INP, CLS) and tumbling event-time window, the
 * attribution targets (CSS selectors) behind the poor vitals, counted in a bounded {@link TargetSketch}, and one
 * {@link VitalOffenders} record per app, page and vital when the window closes ({@code telemetry.vitals-attribution}).
 * Only vitals this processor rates {@linkplain VitalRatings#POOR poor} count (the client's {@code rating} is not
 * trusted), and only those whose attribution names a target: {@code target} (LCP), {@code interactionTarget} (INP),
 * {@code largestShiftTarget} (CLS). The page is the summaries' page label ({@code page}, else the path of
 * {@code url}, else {@code ""}).
 *
 * <p>Windows are the summaries' windows and close the same way: same size and grace, a {@link WindowClock} moved by
 * the event times of the vitals the task reads from its partition ({@link PartitionStreamTime}, bounded by
 * {@link ReadProgress#streamTimeBound}) and by the wall clock as far as the input was read. It reads the vitals only:
 * every other event would cost it a processor hop for its clock alone (about 8 % of the metric path in the processor
 * benchmark). So its stream time is the vitals', and the main aggregation's also moves with the other raw topics': a
 * vital that arrives after other events closed its window is dropped as late by the summaries but may still be
 * counted here, until the vitals' own time or the wall clock closes the window. No repartition: the vitals topic is
 * keyed {@code app|vital name}, so all of an app's vitals of one name, on every page, are in one task.
 *
 * <p>State: one sketch per app, page, vital and open window, and the watermark, in changelogged stores (exactly-once
 * like every store here), so a restarted or migrated task neither loses counts nor reopens a window it emitted.
 * Each sketch is bounded ({@link VitalOffendersLimits#capacity()} counters, whatever number of distinct selectors is
 * sent). There is one sketch per app, page and vital with poor targeted vitals in an open window, for at most
 * {@code cardinality.max-series-per-metric} pages per app, vital and window, as the per-page summaries of one vital;
 * further pages count under {@link #OTHER_PAGES}.
 */
public final class VitalOffendersProcessor implements Processor<String, Envelope, String, VitalOffenders> {

    static final String WINDOWS_STORE = "vital-offenders-windows";
    static final String WATERMARK_STORE = "vital-offenders-watermark";
    /** The vitals whose attribution names an element. */
    static final Set<String> VITALS = Set.of("LCP", "INP", "CLS");
    /** Between app, page and vital in the store key: no app or vital name contains it. */
    private static final char SEPARATOR = '\0';
    private static final long NO_OPEN_WINDOW = Long.MAX_VALUE;
    /** The page of the poor vitals of pages beyond the cap, per app, vital and window. */
    public static final String OTHER_PAGES = "(other pages)";
    private static final Logger LOG = LoggerFactory.getLogger(VitalOffendersProcessor.class);

    private final ProcessorSettings settings;
    private final VitalOffendersLimits limits;
    private final ReadProgress progress;

    private ProcessorContext<String, VitalOffenders> context;
    private KeyValueStore<Bytes, TargetSketch> windows;
    private WindowClock clock;
    private TaskId task;
    /** Start of the oldest open window: most records close nothing, and this spares them a store scan. */
    private long oldestOpenWindow = NO_OPEN_WINDOW;
    /** Stream time, moved as the main aggregation's is. */
    private PartitionStreamTime streamTime;
    /**
     * Pages with a sketch per app, vital and open window ({@code windowStart app vital}): at most
     * {@code cardinality.max-series-per-metric} each, as the per-page summaries of one vital; the poor vitals of further
     * pages count under {@link #OTHER_PAGES}. Rebuilt from the store at start.
     */
    private final Map<String, Integer> pages = new HashMap<>();

    private VitalOffendersProcessor(ProcessorSettings settings, ReadProgress progress) {
        this.settings = settings;
        this.limits = settings.detection().vitalOffenders();
        this.progress = progress;
    }

    public static ProcessorSupplier<String, Envelope, String, VitalOffenders> supplier(ProcessorSettings settings,
                                                                                      ReadProgress progress) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, Envelope, String, VitalOffenders> get() {
                return new VitalOffendersProcessor(settings, progress);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(
                        // Cached: a sketch is read and written once per poor vital; the cache sends each to RocksDB
                        // and the changelog once per commit instead.
                        settings.stateStores().keyValueStore(WINDOWS_STORE, Serdes.Bytes(), TargetSketch.serde())
                                .withCachingEnabled(),
                        settings.stateStores().keyValueStore(WATERMARK_STORE, Serdes.String(), Serdes.Long()));
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, VitalOffenders> context) {
        this.context = context;
        this.windows = context.getStateStore(WINDOWS_STORE);
        this.clock = new WindowClock(settings.windowSize(), settings.grace(), context.getStateStore(WATERMARK_STORE));
        try (KeyValueIterator<Bytes, TargetSketch> all = windows.all()) {
            while (all.hasNext()) {
                Bytes key = all.next().key;
                long windowStart = WindowStoreKey.windowStart(key);
                oldestOpenWindow = Math.min(oldestOpenWindow, windowStart);
                String id = WindowStoreKey.seriesId(key);
                pages.merge(pagesKey(windowStart, id.substring(0, id.indexOf(SEPARATOR)),
                        id.substring(id.lastIndexOf(SEPARATOR) + 1)), 1, Integer::sum);
            }
        }
        this.task = context.taskId();
        this.streamTime = new PartitionStreamTime(clock, progress, task);
        context.schedule(settings.closeCheckInterval(), PunctuationType.WALL_CLOCK_TIME, now -> {
            if (clock.advanceTo(progress.wallClockReadUpTo(task, now))) {
                emitClosedWindows();
            }
        });
    }

    @Override
    public void process(Record<String, Envelope> record) {
        Envelope envelope = record.value();
        if (envelope == null) {
            return;
        }
        long time = record.timestamp();
        if (envelope.event() instanceof VitalEvent vital) {
            count(envelope.app(), vital, time);
        }
        context.recordMetadata().ifPresent(source -> streamTime.noteRead(source.topic(), time));
        if (streamTime.advanceTo(time)) {
            emitClosedWindows();
        }
    }

    /** Counts a poor LCP, INP or CLS with a target into its window, unless the window closed. */
    private void count(String app, VitalEvent vital, long time) {
        String name = vital.name();
        if (!VITALS.contains(name) || VitalRatings.of(name, vital.value()) != VitalRatings.POOR) {
            return;
        }
        String target = targetOf(name, vital.attribution());
        if (target == null || target.isBlank()) {
            return;
        }
        long windowStart = clock.windowStart(time);
        if (clock.isClosed(windowStart)) {
            // The main aggregation counts it as late (processor_records_late_total); not counted twice.
            LOG.debug("late poor {} of {} at {}: its window closed, watermark {}", name, app, Instant.ofEpochMilli(time),
                    Instant.ofEpochMilli(clock.watermark()));
            return;
        }
        Bytes key = WindowStoreKey.of(windowStart, app + SEPARATOR + pageOf(vital) + SEPARATOR + name);
        TargetSketch sketch = windows.get(key);
        if (sketch == null) {
            String pagesKey = pagesKey(windowStart, app, name);
            if (pages.getOrDefault(pagesKey, 0) >= settings.detection().cardinality().maxSeriesPerMetric()) {
                key = WindowStoreKey.of(windowStart, app + SEPARATOR + OTHER_PAGES + SEPARATOR + name);
                sketch = windows.get(key);
            }
            if (sketch == null) {
                sketch = new TargetSketch(limits.capacity());
                pages.merge(pagesKey, 1, Integer::sum);
            }
        }
        sketch.add(target, vital.value());
        windows.put(key, sketch);
        oldestOpenWindow = Math.min(oldestOpenWindow, windowStart);
    }

    /** The element the attribution blames for {@code vital}'s value, or null. */
    static String targetOf(String vital, VitalAttribution attribution) {
        if (attribution == null) {
            return null;
        }
        return switch (vital) {
            case "LCP" -> attribution.target();
            case "INP" -> attribution.interactionTarget();
            case "CLS" -> attribution.largestShiftTarget();
            default -> null;
        };
    }

    /** The summaries' page label ({@link SeriesObservations#pageOf}), or {@code ""} for a vital without one. */
    static String pageOf(VitalEvent vital) {
        String page = SeriesObservations.pageOf(vital);
        return page == null ? "" : page;
    }

    private static String pagesKey(long windowStart, String app, String vital) {
        return windowStart + " " + app + SEPARATOR + vital;
    }

    /** Emits and forgets every window with {@code end + grace <= watermark}, oldest first. */
    private void emitClosedWindows() {
        if (oldestOpenWindow == NO_OPEN_WINDOW || !clock.isClosed(oldestOpenWindow)) {
            return;
        }
        oldestOpenWindow = NO_OPEN_WINDOW;
        List<Bytes> closed = new ArrayList<>();
        try (KeyValueIterator<Bytes, TargetSketch> all = windows.all()) {
            while (all.hasNext()) {
                KeyValue<Bytes, TargetSketch> entry = all.next();
                long windowStart = WindowStoreKey.windowStart(entry.key);
                if (!clock.isClosed(windowStart)) {
                    oldestOpenWindow = windowStart;
                    break;
                }
                long windowEnd = windowStart + clock.size();
                VitalOffenders offenders = offenders(WindowStoreKey.seriesId(entry.key), windowStart, windowEnd, entry.value);
                context.forward(new Record<>(offenders.key(), offenders, windowEnd));
                closed.add(entry.key);
            }
        }
        // Deleted after the scan: not every store's iterator tolerates writes under it.
        closed.forEach(windows::delete);
        pages.keySet().removeIf(key -> clock.isClosed(Long.parseLong(key.substring(0, key.indexOf(' ')))));
        if (!closed.isEmpty()) {
            clock.persist();
        }
    }

    private VitalOffenders offenders(String id, long windowStart, long windowEnd, TargetSketch sketch) {
        int afterApp = id.indexOf(SEPARATOR);
        int beforeVital = id.lastIndexOf(SEPARATOR);
        List<VitalOffenders.Offender> top = sketch.top(limits.topN()).stream()
                .map(e -> new VitalOffenders.Offender(e.target(), e.count(), e.maxOvercount(), e.p75()))
                .toList();
        return new VitalOffenders(VitalOffenders.SCHEMA_VERSION, id.substring(0, afterApp),
                id.substring(afterApp + 1, beforeVital), id.substring(beforeVital + 1), Instant.ofEpochMilli(windowStart),
                Instant.ofEpochMilli(windowEnd), sketch.total(), top);
    }
}
