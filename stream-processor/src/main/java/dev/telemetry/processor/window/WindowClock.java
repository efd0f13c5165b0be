package dev.telemetry.processor.window;

import dev.telemetry.processor.stage.ReadProgress;
import java.time.Duration;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * When tumbling windows close, for every windowed processor of the topology: a window {@code [start, end)}
 * closes once the watermark reaches {@code end + grace}; its events arriving after that are late.
 *
 * <p>The watermark ({@link #advanceTo}) moves for two reasons only, and both say that the window's events have been
 * read:
 * <ul>
 *   <li><b>Stream time</b>: the highest event time the task has seen, as far as
 *       {@link ReadProgress#streamTimeBound} allows. Kafka Streams hands a task its buffered records in timestamp
 *       order, and the bound holds stream time back to the highest time read from any partition that is not fetched
 *       to its end, so a newer record means the older ones were read. Only for input read straight from partitions: records
 *       that several tasks merge into one (a repartition topic) arrive as fast as the slowest writer, and must not
 *       move it.</li>
 *   <li><b>The wall clock, bounded by how far the input was read</b>: a series that goes
 *       quiet still gets its last window closed (the DSL's {@code onWindowClose()} and {@code suppress} wait for a
 *       newer record, forever for a lone event), but only up to {@link ReadProgress#wallClockReadUpTo}, the time before which
 *       every appended record has been processed. A broker outage, a network partition, a restart, a rebalance or
 *       a backlog stops that time, so they delay windows and never drop their events as late.</li>
 * </ul>
 *
 * <p>The watermark lives in a changelogged store, so a restarted or migrated task never reopens a window it
 * already closed.
 */
public final class WindowClock {

    private static final String WATERMARK_KEY = "watermark";
    private static final long NONE = Long.MIN_VALUE;

    private final long size;
    private final long grace;
    private final KeyValueStore<String, Long> store;
    private long watermark;

    public WindowClock(Duration size, Duration grace, KeyValueStore<String, Long> store) {
        this.size = size.toMillis();
        this.grace = grace.toMillis();
        this.store = store;
        Long stored = store.get(WATERMARK_KEY);
        this.watermark = stored == null ? NONE : stored;
    }

    public long size() {
        return size;
    }

    public long windowStart(long eventTime) {
        return eventTime - Math.floorMod(eventTime, size);
    }

    long closesAt(long windowStart) {
        return windowStart + size + grace;
    }

    /** Whether the window starting at {@code windowStart} has closed: its events are late. */
    public boolean isClosed(long windowStart) {
        return closesAt(windowStart) <= watermark;
    }

    /**
     * The start of the oldest window still open: every window starting before it has closed.
     * {@link Long#MIN_VALUE} before anything moved the watermark.
     */
    public long firstOpenWindowStart() {
        return watermark == NONE ? NONE : windowStart(watermark - size - grace) + size;
    }

    /**
     * The lowest watermark that closes a window not closed yet: moving it below this closes nothing.
     * {@link Long#MIN_VALUE} before anything moved the watermark, when any move may close windows.
     */
    public long nextCloseAt() {
        return watermark == NONE ? NONE : closesAt(firstOpenWindowStart());
    }

    /** The time up to which time has passed; {@link Long#MIN_VALUE} before anything moved it. */
    public long watermark() {
        return watermark;
    }

    /**
     * Time has passed up to {@code time}: the event time of a record read from the task's own partitions, or the
     * wall clock as far as the input has been read. True when it moved the watermark.
     */
    public boolean advanceTo(long time) {
        if (time > watermark) {
            watermark = time;
            return true;
        }
        return false;
    }

    /**
     * Stores the watermark. Callers do so only when windows closed: all a restarted task needs is to never
     * reopen a closed window, and the changelog is spared one write per record.
     */
    public void persist() {
        store.put(WATERMARK_KEY, watermark);
    }
}
