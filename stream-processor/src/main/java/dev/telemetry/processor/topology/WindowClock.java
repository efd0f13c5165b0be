package dev.telemetry.processor.topology;

import java.time.Duration;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * When tumbling windows close, for every windowed processor of the topology: a window {@code [start, end)}
 * closes once the watermark reaches {@code end + grace}. The watermark is the highest event time seen
 * (stream time) and also the wall clock, so that a series that goes quiet still gets its last window closed:
 * the DSL's {@code onWindowClose()} and {@code suppress} only close on newer records, and a lone event would
 * wait forever. The wall clock only counts once the task has received no record for
 * {@code max(grace, close-check interval)}: while a backlog is read (after a restart, or under lag) records
 * are behind the wall clock, and closing their windows by it would drop the whole backlog as late. For live
 * data the condition always holds by the time a window is due, so it delays nothing. Until the first record
 * after the task starts, the wall clock waits at least {@link #STARTUP_IDLE}: a restarted task is idle while it
 * restores state and rejoins the group, and its backlog would otherwise be dropped as late.
 *
 * <p>The watermark lives in a changelogged store, so a restarted or migrated task never reopens a window it
 * already closed.
 */
final class WindowClock {

    private static final String WATERMARK_KEY = "watermark";
    private static final long NONE = Long.MIN_VALUE;
    static final Duration STARTUP_IDLE = Duration.ofSeconds(30);

    private final long size;
    private final long grace;
    private final long idleBeforeWallClock;
    private final KeyValueStore<String, Long> store;
    private long watermark;
    private long lastRecordWallClock;
    private boolean recordSinceStart;

    WindowClock(Duration size, Duration grace, Duration closeCheckInterval, KeyValueStore<String, Long> store,
                long wallClockNow) {
        this.size = size.toMillis();
        this.grace = grace.toMillis();
        this.idleBeforeWallClock = Math.max(this.grace, closeCheckInterval.toMillis());
        this.store = store;
        Long stored = store.get(WATERMARK_KEY);
        this.watermark = stored == null ? NONE : stored;
        this.lastRecordWallClock = wallClockNow;
    }

    long size() {
        return size;
    }

    long windowStart(long eventTime) {
        return eventTime - Math.floorMod(eventTime, size);
    }

    long closesAt(long windowStart) {
        return windowStart + size + grace;
    }

    /** Whether the window starting at {@code windowStart} has closed: its events are late. */
    boolean isClosed(long windowStart) {
        return closesAt(windowStart) <= watermark;
    }

    long watermark() {
        return watermark;
    }

    /** A record with this event time arrived; true when it moved the watermark. */
    boolean onRecord(long eventTime, long wallClockNow) {
        lastRecordWallClock = wallClockNow;
        recordSinceStart = true;
        if (eventTime > watermark) {
            watermark = eventTime;
            return true;
        }
        return false;
    }

    /** The periodic wall-clock check; true when it moved the watermark. */
    boolean onWallClock(long now) {
        long idle = recordSinceStart ? idleBeforeWallClock : Math.max(idleBeforeWallClock, STARTUP_IDLE.toMillis());
        if (now > watermark && now - lastRecordWallClock >= idle) {
            watermark = now;
            return true;
        }
        return false;
    }

    /**
     * Stores the watermark. Callers do so only when windows closed: all a restarted task needs is to never
     * reopen a closed window, and the changelog is spared one write per record.
     */
    void persist() {
        store.put(WATERMARK_KEY, watermark);
    }
}
