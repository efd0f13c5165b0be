package dev.telemetry.events.codec;

/**
 * Parser-level limits, enforced while reading, before any object is built: they make hostile
 * documents (deep nesting, huge strings, thousand-digit numbers) cheap to reject.
 */
public record ReadLimits(int maxNestingDepth, int maxStringLength, int maxNumberLength) {

    public static ReadLimits defaults() {
        return new ReadLimits(32, 256 * 1024, 64);
    }
}
