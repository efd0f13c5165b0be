package dev.telemetry.alerts.silence;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A silence, as stored in the compacted {@code telemetry.silences} (key = id) and shown by the API:
 * alerts whose labels match every matcher are not notified between {@code startsAt} and
 * {@code endsAt}. Expiring sets {@code endsAt} to the moment of expiry.
 */
public record Silence(String id, List<Matcher> matchers, Instant startsAt, Instant endsAt, String createdBy,
                      String comment, Instant updatedAt) {

    public Silence {
        matchers = matchers == null ? List.of() : List.copyOf(matchers);
    }

    /** Active at {@code now}: started and not yet ended. */
    public boolean active(Instant now) {
        return !startsAt.isAfter(now) && endsAt.isAfter(now);
    }

    public boolean matches(Map<String, String> labels) {
        return matchers.stream().allMatch(m -> m.matches(labels));
    }

    /** Alertmanager's state names: {@code pending}, {@code active}, {@code expired}. */
    public String state(Instant now) {
        if (startsAt.isAfter(now)) {
            return "pending";
        }
        return endsAt.isAfter(now) ? "active" : "expired";
    }

    public Silence expired(Instant now) {
        Instant end = endsAt.isAfter(now) ? now : endsAt;
        Instant start = startsAt.isAfter(end) ? end : startsAt;
        return new Silence(id, matchers, start, end, createdBy, comment, now);
    }
}
