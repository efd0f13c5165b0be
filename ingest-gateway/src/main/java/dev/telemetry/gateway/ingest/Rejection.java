package dev.telemetry.gateway.ingest;

/** Why the item at {@code index} of a request was not accepted; {@code field} is null when the whole item is wrong. */
public record Rejection(int index, String field, String message) {
}
