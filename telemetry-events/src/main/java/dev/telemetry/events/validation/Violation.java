package dev.telemetry.events.validation;

/** One problem with one field of one event: {@code field} is the path inside the item, e.g. {@code tags.env}. */
public record Violation(String field, String message) {

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
