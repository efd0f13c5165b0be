package dev.telemetry.events.derived;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The states an alert moves through, as Prometheus names them. */
public enum AlertStatus {
    @JsonProperty("pending") PENDING,
    @JsonProperty("firing") FIRING,
    @JsonProperty("resolved") RESOLVED;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
