package dev.telemetry.processor.errors;

import dev.telemetry.processor.rules.Severity;

/** What {@link ErrorClassifier} decided about one error, in the seed's terms. */
public record ErrorClassification(Severity severity, String category, boolean shouldAlert) {
}
