package dev.telemetry.events.validation;

/**
 * Size limits applied while reading a client's event. They bound what one event can cost the
 * pipeline (memory, state-store and topic bytes); the gateway takes them from its configuration.
 *
 * @param nameLength     names, ids, labels, URLs and other short strings
 * @param textLength     messages and comments
 * @param stackLength    stack traces
 * @param mapEntries     keys in one {@code tags}, {@code metadata}, {@code context} or {@code data} object (all levels)
 * @param mapDepth       nesting depth of {@code metadata}, {@code context} and {@code data}
 * @param tags           tags on one metric
 */
public record Limits(int nameLength, int textLength, int stackLength, int mapEntries, int mapDepth, int tags) {

    public static Limits defaults() {
        return new Limits(1024, 8 * 1024, 64 * 1024, 64, 5, 32);
    }
}
