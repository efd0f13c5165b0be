package dev.telemetry.faults;

import dev.telemetry.service.config.Durations;
import java.time.Duration;

/** The processor's tumbling windows: {@code windows.size} and {@code windows.grace}. */
public record Windows(Duration size, Duration grace) {

    /** The issue's: ten-second windows with two seconds of grace, so that a scenario sees many windows close. */
    public static final Windows SHORT = new Windows(Duration.ofSeconds(10), Duration.ofSeconds(2));
    /** What processor.yaml ships: one minute with ten seconds of grace. */
    public static final Windows SHIPPED = new Windows(Duration.ofMinutes(1), Duration.ofSeconds(10));

    /** Parses {@code size/grace}, e.g. {@code 10s/2s} or {@code 1m/10s}. */
    public static Windows parse(String text) {
        String[] parts = text.split("/");
        if (parts.length != 2) {
            throw new IllegalArgumentException("windows '" + text + "' is not size/grace, e.g. 10s/2s");
        }
        return new Windows(Durations.parse(parts[0].trim()), Durations.parse(parts[1].trim()));
    }

    public Duration sizeAndGrace() {
        return size.plus(grace);
    }

    @Override
    public String toString() {
        return Durations.format(size) + "/" + Durations.format(grace);
    }
}
