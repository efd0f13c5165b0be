package dev.telemetry.console.silence;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * A silence as the alert sink's API shows it ({@code GET /api/silences}), flattened: {@code state} is the sink's
 * {@code status.state} ({@code active}, {@code pending} or {@code expired}). A local copy of the sink's shape: the
 * console does not depend on the alert sink.
 */
public record Silence(String id, String state, List<Matcher> matchers, Instant startsAt, Instant endsAt,
                      Instant updatedAt, String createdBy, String comment) {

    public Silence {
        matchers = matchers == null ? List.of() : List.copyOf(matchers);
    }

    /** One label matcher in Alertmanager's shape, as the sink takes and shows it. */
    public record Matcher(String name, String value, @JsonProperty("isRegex") boolean isRegex,
                          @JsonProperty("isEqual") boolean isEqual) {
    }
}
