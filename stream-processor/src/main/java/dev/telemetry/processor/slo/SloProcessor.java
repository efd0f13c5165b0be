package dev.telemetry.processor.slo;

import dev.telemetry.events.derived.SloReport;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.processor.slo.BurnRates.Counts;
import dev.telemetry.processor.slo.spec.BurnRateAlert;
import dev.telemetry.processor.slo.spec.Slo;
import dev.telemetry.processor.stage.DetectorEmitter;
import dev.telemetry.processor.stage.DetectorOutput;
import dev.telemetry.processor.stage.ProcessorMetrics;
import dev.telemetry.processor.stage.ProcessorSettings;
import dev.telemetry.processor.stage.ReadProgress;
import dev.telemetry.processor.window.WindowClock;
import dev.telemetry.service.config.Durations;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
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

/**
 * Counts good and total events per SLO, app and window, and on each window close reports every SLO's SLI, burn
 * rates and budget left, and evaluates its burn-rate alerts. Input: {@link SloCount}s keyed {@code <slo>|<app>}
 * from the SLO repartition topic (events of one SLO come from several raw partitions: a ratio's two metrics, an
 * availability SLI over every endpoint); output: {@link SloReport}s for {@code telemetry.slo} and
 * {@code slo_burn_rate} alerts for {@code telemetry.alerts}.
 *
 * <p>Windows are the topology's tumbling windows, with the same grace: a count whose window closed is dropped and
 * counted ({@link ProcessorMetrics#sloCountLate}). Since the input is merged from several tasks, windows close
 * only by the wall clock as far as the input has been read ({@link WindowClock}), as the app's error rate does.
 * Every window of every known SLO and app closes, with or without events, so reports come every window and each
 * series' ring ({@link SloWindowStore}) has one entry per window of its period. A series whose whole period
 * passed without events is forgotten. All state is in changelogged stores, so under exactly-once a restart
 * neither loses nor double-counts a window.
 */
public final class SloProcessor implements Processor<String, SloCount, String, DetectorOutput> {

    public static final String WINDOWS_STORE = "slo-window-counts";
    public static final String SERIES_STORE = "slo-series";
    public static final String WATERMARK_STORE = "slo-watermark";

    private final ProcessorSettings settings;
    private final ProcessorMetrics metrics;
    private final ReadProgress progress;
    private final Map<String, Slo> slos;
    private final long size;

    private ProcessorContext<String, DetectorOutput> context;
    private DetectorEmitter emitter;
    private SloWindowStore windows;
    private KeyValueStore<String, SloSeriesState> series;
    private WindowClock clock;
    /**
     * The first window of every known series, mirroring {@link #series}: most counts belong to a known series and
     * an open window, and this spares them reading (and decoding) the series' state.
     */
    private final Map<String, Long> firstWindows = new HashMap<>();
    /** The live start ({@link SloSeriesState#liveStart}) of every known series, mirroring {@link #series}. */
    private final Map<String, Long> liveStarts = new HashMap<>();
    /** The latest window start closed for every series, so that a clock tick inside a window scans nothing. */
    private long closedUpTo = SloSeriesState.NONE;

    private SloProcessor(ProcessorSettings settings, ProcessorMetrics metrics, ReadProgress progress) {
        this.settings = settings;
        this.metrics = metrics;
        this.progress = progress;
        this.slos = settings.slos().stream().collect(Collectors.toMap(Slo::name, Function.identity()));
        this.size = settings.windowSize().toMillis();
    }

    public static ProcessorSupplier<String, SloCount, String, DetectorOutput> supplier(ProcessorSettings settings,
                                                                                  ProcessorMetrics metrics,
                                                                                  ReadProgress progress) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, SloCount, String, DetectorOutput> get() {
                return new SloProcessor(settings, metrics, progress);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(
                        // Cached: the many adds to an open window reach the changelog once per commit.
                        settings.stateStores().keyValueStore(WINDOWS_STORE, Serdes.Bytes(),
                                SloWindowStore.serde()).withCachingEnabled(),
                        settings.stateStores().keyValueStore(SERIES_STORE, Serdes.String(),
                                JsonSerde.of(SloSeriesState.class)).withCachingEnabled(),
                        settings.stateStores().keyValueStore(WATERMARK_STORE, Serdes.String(),
                                Serdes.Long()));
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, DetectorOutput> context) {
        this.context = context;
        this.emitter = new DetectorEmitter(context, metrics);
        KeyValueStore<Bytes, SloWindowStore.Window> store = context.getStateStore(WINDOWS_STORE);
        this.windows = new SloWindowStore(store);
        this.series = context.getStateStore(SERIES_STORE);
        this.clock = new WindowClock(settings.windowSize(), settings.grace(), context.getStateStore(WATERMARK_STORE));
        firstWindows.clear();
        liveStarts.clear();
        try (KeyValueIterator<String, SloSeriesState> it = series.all()) {
            it.forEachRemaining(entry -> {
                firstWindows.put(entry.key, entry.value.firstWindow());
                liveStarts.put(entry.key, entry.value.liveStart());
            });
        }
        context.schedule(settings.closeCheckInterval(), PunctuationType.WALL_CLOCK_TIME, now -> {
            if (clock.advanceTo(progress.wallClockReadUpTo(context.taskId(), now))) {
                closeWindows();
            }
        });
    }

    @Override
    public void process(Record<String, SloCount> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        String key = record.key();
        if (record.value().isBackfill()) {
            applyBackfill(key, record.value().backfill());
            return;
        }
        long windowStart = clock.windowStart(record.timestamp());
        if (clock.isClosed(windowStart) || windowStart < 0) {
            metrics.sloCountLate(SloObservations.sloOf(key));
            return;
        }
        Long firstWindow = firstWindows.get(key);
        if (firstWindow == null) {
            series.put(key, SloSeriesState.first(windowStart));
            firstWindows.put(key, windowStart);
            liveStarts.put(key, windowStart);
        } else if (windowStart < firstWindow || windowStart < liveStarts.get(key)) {
            // An earlier event of a window still open (within grace): the series, or its live part, starts there.
            // (Backfilled windows are closed, so an open one before the live start holds no backfilled counts.)
            SloSeriesState state = series.get(key);
            long first = Math.min(windowStart, state.firstWindow());
            series.put(key, new SloSeriesState(first, state.lastClosed(), state.cumGood(), state.cumTotal(),
                    state.firingSince(), windowStart));
            firstWindows.put(key, first);
            liveStarts.put(key, windowStart);
        }
        windows.add(key, windowStart, record.value());
    }

    /** Closes, for every series, each window with {@code end + grace <= watermark} not closed yet, oldest first. */
    private void closeWindows() {
        long last = latestClosable();
        if (last <= closedUpTo) {
            return;
        }
        List<KeyValue<String, SloSeriesState>> all = new ArrayList<>();
        try (KeyValueIterator<String, SloSeriesState> it = series.all()) {
            it.forEachRemaining(all::add);
        }
        for (KeyValue<String, SloSeriesState> entry : all) {
            closeUpTo(entry.key, entry.value, last);
        }
        closedUpTo = last;
        clock.persist();
    }

    /** Start of the latest window that is closed by the watermark: the last {@code B} with {@code B + size + grace <= watermark}. */
    private long latestClosable() {
        long watermark = clock.watermark();
        if (watermark == Long.MIN_VALUE) {
            return SloSeriesState.NONE;
        }
        return clock.windowStart(watermark - size - settings.grace().toMillis());
    }

    private void closeUpTo(String key, SloSeriesState state, long last) {
        Slo slo = slos.get(SloObservations.sloOf(key));
        if (slo == null) {
            // No longer configured: its windows go.
            forget(key);
            return;
        }
        long periodWindows = slo.periodWindows(settings.windowSize());
        long from = state.lastClosed() == SloSeriesState.NONE ? state.firstWindow() : state.lastClosed() + size;
        if (from > last) {
            return;
        }
        for (long start = from; start <= last; start += size) {
            state = close(slo, key, state, start, periodWindows);
            Counts period = periodCounts(key, state, start, periodWindows);
            if (period.total() == 0 && state.firingSince().isEmpty()
                    && start - state.firstWindow() >= periodWindows * size && !windows.hasWindowsFrom(key, start + size)) {
                // A whole period without events: nothing to report or burn until the next event.
                forget(key);
                return;
            }
        }
        series.put(key, state);
    }

    private SloSeriesState close(Slo slo, String key, SloSeriesState state, long start, long periodWindows) {
        SloWindowStore.Window own = windows.get(key, start);
        Counts counts = own == null ? Counts.NONE : own.counts();
        Counts cumulative = new Counts(state.cumGood(), state.cumTotal()).plus(counts);
        windows.put(key, start, new SloWindowStore.Window(counts.good(), counts.total(), cumulative.good(),
                cumulative.total()));
        // The ring keeps the period and the window just before it (whose cumulative counts start the period).
        long dropped = start - (periodWindows + 1) * size;
        if (dropped >= state.firstWindow()) {
            windows.delete(key, dropped);
        }
        SloSeriesState closed = new SloSeriesState(state.firstWindow(), start, cumulative.good(), cumulative.total(),
                state.firingSince(), state.liveStart());
        return report(slo, key, closed, start, counts, periodWindows);
    }

    /** Emits the window's report and the alert changes it causes; returns the state with the alerts' new states. */
    private SloSeriesState report(Slo slo, String key, SloSeriesState state, long start, Counts window,
                                  long periodWindows) {
        String app = SloObservations.appOf(key);
        BigDecimal budget = slo.errorBudget();
        Instant windowStart = Instant.ofEpochMilli(start);
        Instant windowEnd = Instant.ofEpochMilli(start + size);
        List<SloReport.BurnRate> rates = new ArrayList<>(Slo.REPORTED_WINDOWS.size());
        for (Duration span : Slo.REPORTED_WINDOWS) {
            Counts counts = spanCounts(key, state, start, windowsIn(span));
            rates.add(new SloReport.BurnRate(Durations.format(span), BurnRates.burnRate(counts, budget), counts.good(),
                    counts.total()));
        }
        Counts period = periodCounts(key, state, start, periodWindows);
        double budgetRemaining = BurnRates.budgetRemaining(period, budget);
        long time = start + size;
        emitter.sloReport(new SloReport(SloReport.SCHEMA_VERSION, app, slo.name(), slo.sli().type().wireName(),
                slo.objective().doubleValue(), Durations.format(slo.period()), windowStart, windowEnd,
                window.total() > 0 ? window.good() / window.total() : null, window.good(), window.total(), rates,
                budgetRemaining, period.good(), period.total()), time);

        Map<String, Instant> firing = new HashMap<>(state.firingSince());
        for (BurnRateAlert alert : slo.alerts()) {
            String id = alert.longWindowName() + "/" + alert.shortWindowName();
            BurnRateAlerts.Step step = BurnRateAlerts.evaluate(slo, alert, firing.get(id), new BurnRateAlerts.Evaluation(
                    app, spanCounts(key, state, start, windowsIn(alert.longWindow())),
                    spanCounts(key, state, start, windowsIn(alert.shortWindow())), budgetRemaining, windowStart,
                    windowEnd));
            if (step.firingSince() == null) {
                firing.remove(id);
            } else {
                firing.put(id, step.firingSince());
            }
            if (step.event() != null) {
                emitter.alert(step.event(), time);
            }
        }
        return new SloSeriesState(state.firstWindow(), state.lastClosed(), state.cumGood(), state.cumTotal(),
                new LinkedHashMap<>(firing), state.liveStart());
    }

    private Counts periodCounts(String key, SloSeriesState state, long start, long periodWindows) {
        return spanCounts(key, state, start, periodWindows);
    }

    /** The counts of the {@code n} windows ending with the (closed) window at {@code start}. */
    private Counts spanCounts(String key, SloSeriesState state, long start, long n) {
        return new Counts(state.cumGood(), state.cumTotal()).minus(cumulativeBefore(key, state, start - (n - 1) * size));
    }

    /** The cumulative counts of the windows before {@code windowStart}: those at its predecessor's close. */
    private Counts cumulativeBefore(String key, SloSeriesState state, long windowStart) {
        long previous = windowStart - size;
        if (previous < state.firstWindow()) {
            return Counts.NONE;
        }
        SloWindowStore.Window window = windows.get(key, previous);
        if (window == null || Double.isNaN(window.cumTotal())) {
            throw new IllegalStateException("SLO " + key + ": window " + Instant.ofEpochMilli(previous)
                    + " should be in the ring, closed");
        }
        return window.cumulative();
    }

    private long windowsIn(Duration span) {
        return (span.toMillis() + size - 1) / size;
    }

    private void forget(String key) {
        windows.deleteAll(key);
        series.delete(key);
        firstWindows.remove(key);
        liveStarts.remove(key);
    }

    /**
     * Sets a backfill batch's whole-window totals into the series' closed windows before its live start, and
     * recomputes the ring's cumulative counts; see {@link SloBackfill} for why this never counts an event twice.
     * Windows outside that range (counted live, still open, or older than the ring) are ignored. No report or alert
     * is emitted for history: the next window close reports and alerts on the filled ring.
     */
    private void applyBackfill(String key, List<SloBackfill.WindowTotal> batch) {
        Slo slo = slos.get(SloObservations.sloOf(key));
        if (slo == null || batch.isEmpty()) {
            return;
        }
        SloSeriesState state = series.get(key);
        long last;
        if (state == null) {
            // Nothing counted live since the series was forgotten, if ever: every closed window is free.
            last = latestClosable();
        } else if (state.lastClosed() != SloSeriesState.NONE) {
            last = state.lastClosed();
        } else {
            // Counted live, nothing closed yet: the closed windows before the live start are free.
            last = Math.min(latestClosable(), state.liveStart() - size);
        }
        if (last == SloSeriesState.NONE || last < 0) {
            // The clock never moved: no window is closed, so none may be filled yet.
            metrics.sloCountLate(slo.name());
            return;
        }
        long liveStart = state == null ? last + size : state.liveStart();
        long ringStart = last - slo.periodWindows(settings.windowSize()) * size;
        long limit = Math.min(last, liveStart - size);
        java.util.TreeMap<Long, SloBackfill.WindowTotal> accepted = new java.util.TreeMap<>();
        for (SloBackfill.WindowTotal window : batch) {
            long start = window.windowStart();
            if (start >= ringStart && start <= limit && clock.windowStart(start) == start) {
                accepted.put(start, window);
            }
        }
        if (accepted.isEmpty()) {
            return;
        }
        long first = state == null ? accepted.firstKey()
                : Math.max(ringStart, Math.min(state.firstWindow(), accepted.firstKey()));
        double cumGood = 0;
        double cumTotal = 0;
        for (long start = first; start <= last; start += size) {
            SloBackfill.WindowTotal filled = accepted.get(start);
            Counts own;
            if (filled != null) {
                own = new Counts(filled.good(), filled.total());
            } else {
                SloWindowStore.Window existing = windows.get(key, start);
                own = existing == null ? Counts.NONE : existing.counts();
            }
            cumGood += own.good();
            cumTotal += own.total();
            windows.put(key, start, new SloWindowStore.Window(own.good(), own.total(), cumGood, cumTotal));
        }
        series.put(key, new SloSeriesState(first, last, cumGood, cumTotal,
                state == null ? Map.of() : state.firingSince(), liveStart));
        firstWindows.put(key, first);
        liveStarts.put(key, liveStart);
    }
}
