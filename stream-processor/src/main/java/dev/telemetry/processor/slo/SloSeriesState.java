package dev.telemetry.processor.slo;

import java.time.Instant;
import java.util.Map;

/**
 * What is remembered about one SLO of one app besides its windows.
 *
 * @param firstWindow  start of its first window: cumulative counts before it are 0
 * @param lastClosed   start of its latest closed window; {@link Long#MIN_VALUE} before the first closed
 * @param cumGood      good events from {@code firstWindow} through {@code lastClosed}
 * @param cumTotal     all events from {@code firstWindow} through {@code lastClosed}
 * @param firingSince  the firing burn-rate alerts, by {@code <long>/<short>} window, with their start
 * @param liveStart    the earliest window the live path counted into: windows before it hold only backfilled
 *                     counts (see {@link SloBackfill}); {@code firstWindow} when absent (states written before
 *                     backfill existed, whose windows were all counted live)
 */
public record SloSeriesState(long firstWindow, long lastClosed, double cumGood, double cumTotal,
                             Map<String, Instant> firingSince, Long liveStart) {

    static final long NONE = Long.MIN_VALUE;

    public SloSeriesState {
        firingSince = firingSince == null ? Map.of() : Map.copyOf(firingSince);
        liveStart = liveStart == null ? Long.valueOf(firstWindow) : liveStart;
    }

    static SloSeriesState first(long window) {
        return new SloSeriesState(window, NONE, 0, 0, Map.of(), window);
    }
}
