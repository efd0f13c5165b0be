package dev.telemetry.processor.rollup;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.processor.stage.EventRollups;
import dev.telemetry.processor.stage.Offense;
import dev.telemetry.processor.stage.ProcessorMetrics;
import dev.telemetry.processor.stage.ProcessorSettings;
import dev.telemetry.processor.stage.ReadProgress;
import dev.telemetry.processor.window.WindowClock;
import dev.telemetry.processor.window.WindowStoreKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
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

/**
 * Rolls per-item findings up into one alert per rule, app and window. Input: {@link Offense}s from the
 * {@code event-offenses-by-rule} repartition topic, keyed by rule and app (so one task sees all of them however the
 * raw topics spread the items); output: {@link AlertEvent}s for {@code telemetry.alerts}, keyed by fingerprint.
 *
 * <p>Per window, a rollup alert goes out at the window's first item (on-call hears at once), again at most every
 * {@link EventRollups#updateInterval()} while the count grows, and a last time when the window closes if it grew
 * since: at most {@code 2 + window / interval} records per rule, app and window, whatever the number of items
 * (three in a minute at the default 30 s). All carry the same fingerprint and {@code startsAt} (the window start),
 * so a sink that deduplicates by {@code fingerprint:status:startsAt} notifies an ungrouped receiver once per window,
 * and a grouping receiver sends the latest version at its group wait and intervals.
 *
 * <p>State is bounded and changelogged (exactly-once, like every store here): one small {@link RollupWindow} per
 * rule, app and open window, and one count per distinct subject up to {@link EventRollups#maxSubjects()}; further
 * subjects count as "others". Both are dropped when the window closes. The records come from several tasks, each
 * as far along as it happens to be, so windows close only by the wall clock as far as the input has been read
 * ({@link ReadProgress}), as the app error rate's do.
 */
public final class EventRollupProcessor implements Processor<String, Offense, String, AlertEvent> {

    static final String ROLLUPS_STORE = "event-rollups";
    static final String SUBJECTS_STORE = "event-rollup-subjects";
    static final String WATERMARK_STORE = "event-rollups-watermark";
    /** Between rollup key and subject in the subjects store: no rule or app contains it, so a range is one rollup's. */
    private static final char SEPARATOR = '\0';
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ProcessorSettings settings;
    private final EventRollups limits;
    private final List<String> channels;
    private final ProcessorMetrics metrics;
    private final ReadProgress progress;

    private ProcessorContext<String, AlertEvent> context;
    private KeyValueStore<Bytes, RollupWindow> rollups;
    private KeyValueStore<Bytes, Long> subjects;
    private WindowClock clock;

    private EventRollupProcessor(ProcessorSettings settings, ProcessorMetrics metrics, ReadProgress progress) {
        this.settings = settings;
        this.limits = settings.detection().rollups();
        this.channels = settings.detection().securityChannels();
        this.metrics = metrics;
        this.progress = progress;
    }

    public static ProcessorSupplier<String, Offense, String, AlertEvent> supplier(ProcessorSettings settings,
                                                                                 ProcessorMetrics metrics,
                                                                                 ReadProgress progress) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, Offense, String, AlertEvent> get() {
                return new EventRollupProcessor(settings, metrics, progress);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(
                        settings.stateStores().keyValueStore(ROLLUPS_STORE, Serdes.Bytes(),
                                json(RollupWindow.class)),
                        settings.stateStores().keyValueStore(SUBJECTS_STORE, Serdes.Bytes(),
                                Serdes.Long()),
                        settings.stateStores().keyValueStore(WATERMARK_STORE, Serdes.String(),
                                Serdes.Long()));
            }
        };
    }

    /** The serde of offenses on the repartition topic, which only this application writes and reads. */
    public static Serde<Offense> offenseSerde() {
        return json(Offense.class);
    }

    private static <T> Serde<T> json(Class<T> type) {
        Serializer<T> serializer = (topic, value) -> {
            try {
                return value == null ? null : JSON.writeValueAsBytes(value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        Deserializer<T> deserializer = (topic, bytes) -> {
            try {
                return bytes == null ? null : JSON.readValue(bytes, type);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }

    @Override
    public void init(ProcessorContext<String, AlertEvent> context) {
        this.context = context;
        this.rollups = context.getStateStore(ROLLUPS_STORE);
        this.subjects = context.getStateStore(SUBJECTS_STORE);
        this.clock = new WindowClock(settings.windowSize(), settings.grace(), context.getStateStore(WATERMARK_STORE));
        TaskId task = context.taskId();
        context.schedule(settings.closeCheckInterval(), PunctuationType.WALL_CLOCK_TIME, now -> {
            if (clock.advanceTo(progress.wallClockReadUpTo(task, now))) {
                closeWindows(now);
            }
            sendDueUpdates(now);
        });
    }

    @Override
    public void process(Record<String, Offense> record) {
        Offense offense = record.value();
        if (offense == null) {
            return;
        }
        long window = clock.windowStart(record.timestamp());
        if (clock.isClosed(window)) {
            // Its finding is on telemetry.security all the same; only the rollup that already closed misses it.
            metrics.rollupItemLate(offense.rule());
            return;
        }
        Bytes key = WindowStoreKey.of(window, offense.rollupKey());
        RollupWindow rollup = rollups.get(key);
        Bytes subjectKey = WindowStoreKey.of(window, offense.rollupKey() + SEPARATOR + offense.subject());
        Long seen = subjects.get(subjectKey);
        boolean kept = seen != null || rollup == null || rollup.keeps(limits.maxSubjects());
        if (kept) {
            subjects.put(subjectKey, seen == null ? 1 : seen + 1);
        }
        rollup = rollup == null ? RollupWindow.first(offense) : rollup.add(offense, seen == null, kept);
        long now = context.currentSystemTimeMs();
        if (rollup.updateDue(now, limits.updateInterval())) {
            rollup = send(window, rollup, now, record.timestamp());
        }
        rollups.put(key, rollup);
    }

    /** Sends what grew enough since its last alert, in windows still open. */
    private void sendDueUpdates(long now) {
        List<KeyValue<Bytes, RollupWindow>> sent = new ArrayList<>();
        try (KeyValueIterator<Bytes, RollupWindow> all = rollups.all()) {
            while (all.hasNext()) {
                KeyValue<Bytes, RollupWindow> entry = all.next();
                if (entry.value.grownSinceNotified() && entry.value.updateDue(now, limits.updateInterval())) {
                    long window = WindowStoreKey.windowStart(entry.key);
                    sent.add(KeyValue.pair(entry.key, send(window, entry.value, now, now)));
                }
            }
        }
        sent.forEach(entry -> rollups.put(entry.key, entry.value));
    }

    /** Sends the last alert of each closed window that grew since its last one, and forgets the window. */
    private void closeWindows(long now) {
        List<Bytes> closed = new ArrayList<>();
        try (KeyValueIterator<Bytes, RollupWindow> all = rollups.all()) {
            while (all.hasNext()) {
                KeyValue<Bytes, RollupWindow> entry = all.next();
                long window = WindowStoreKey.windowStart(entry.key);
                if (!clock.isClosed(window)) {
                    break;
                }
                if (entry.value.grownSinceNotified()) {
                    send(window, entry.value, now, window + clock.size());
                }
                closed.add(entry.key);
            }
        }
        // Deleted after the scan: not every store's iterator tolerates writes under it.
        for (Bytes key : closed) {
            rollups.delete(key);
            subjectsOf(key).forEach(subjects::delete);
        }
        if (!closed.isEmpty()) {
            clock.persist();
        }
    }

    private RollupWindow send(long window, RollupWindow rollup, long now, long time) {
        Bytes key = WindowStoreKey.of(window, rollup.rule().rollupKey());
        AlertEvent alert = rollup.alert(window, clock.size(), top(key), channels, now);
        context.forward(new Record<>(alert.fingerprint(), alert, time));
        metrics.alertChanged(alert.status());
        return rollup.notified(now);
    }

    /** The most frequent subjects of a rollup, most first (ties by subject, so replays name the same). */
    private List<Map.Entry<String, Long>> top(Bytes rollupKey) {
        Comparator<Map.Entry<String, Long>> least = Map.Entry.<String, Long>comparingByValue()
                .thenComparing(Map.Entry.<String, Long>comparingByKey().reversed());
        PriorityQueue<Map.Entry<String, Long>> top = new PriorityQueue<>(least);
        String prefix = WindowStoreKey.seriesId(rollupKey) + SEPARATOR;
        try (KeyValueIterator<Bytes, Long> range = subjectRange(rollupKey)) {
            while (range.hasNext()) {
                KeyValue<Bytes, Long> entry = range.next();
                top.add(Map.entry(WindowStoreKey.seriesId(entry.key).substring(prefix.length()), entry.value));
                if (top.size() > limits.topOffenders()) {
                    top.poll();
                }
            }
        }
        List<Map.Entry<String, Long>> most = new ArrayList<>(top);
        most.sort(least.reversed());
        return most;
    }

    private List<Bytes> subjectsOf(Bytes rollupKey) {
        List<Bytes> keys = new ArrayList<>();
        try (KeyValueIterator<Bytes, Long> range = subjectRange(rollupKey)) {
            range.forEachRemaining(entry -> keys.add(entry.key));
        }
        return keys;
    }

    /** The subjects of one rollup: the keys from {@code <rollup key>\0} up to {@code <rollup key>\1}. */
    private KeyValueIterator<Bytes, Long> subjectRange(Bytes rollupKey) {
        long window = WindowStoreKey.windowStart(rollupKey);
        String id = WindowStoreKey.seriesId(rollupKey);
        return subjects.range(WindowStoreKey.of(window, id + SEPARATOR), WindowStoreKey.of(window, id + (char) 1));
    }
}
