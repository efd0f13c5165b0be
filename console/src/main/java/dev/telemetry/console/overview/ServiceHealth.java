package dev.telemetry.console.overview;

import java.time.Instant;
import java.util.Map;

/**
 * One service's health as the overview shows it: the latest poll of its health URL.
 *
 * @param name      gateway, processor, sink or prober
 * @param url       the health URL polled; empty when the service is not configured
 * @param status    {@code healthy}, {@code degraded}, {@code unhealthy} (from the body's {@code status}, else the
 *                  HTTP status), {@code down} (no answer), {@code not configured} or {@code unknown} (not polled yet)
 * @param httpStatus the answer's HTTP status, null without an answer
 * @param latencyMs how long the poll took, null before the first
 * @param checks    the body's named checks ({@code kafka: true, ...}), empty when it had none
 * @param lastError the most recent failure (kept after the service recovers, with its time), null if none yet
 */
public record ServiceHealth(String name, String url, String status, Integer httpStatus, Double latencyMs,
                            Instant checkedAt, Map<String, Boolean> checks, String version, String lastError,
                            Instant lastErrorAt) {

    public static final String NOT_CONFIGURED = "not configured";
    public static final String UNKNOWN = "unknown";
    public static final String DOWN = "down";

    public ServiceHealth {
        checks = checks == null ? Map.of() : Map.copyOf(checks);
    }

    static ServiceHealth notConfigured(String name) {
        return new ServiceHealth(name, "", NOT_CONFIGURED, null, null, null, Map.of(), null, null, null);
    }

    static ServiceHealth unknown(String name, String url) {
        return new ServiceHealth(name, url, UNKNOWN, null, null, null, Map.of(), null, null, null);
    }
}
