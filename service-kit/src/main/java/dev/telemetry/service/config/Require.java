package dev.telemetry.service.config;

import java.time.Duration;

/** Validation helpers for config records: each failure names its key. */
public final class Require {

    private Require() {
    }

    public static void port(String key, int port) {
        if (port < 0 || port > 65_535) {
            throw new ConfigException(key, "must be a port between 0 and 65535, got " + port);
        }
    }

    public static void positive(String key, long value) {
        if (value <= 0) {
            throw new ConfigException(key, "must be greater than 0, got " + value);
        }
    }

    public static void positive(String key, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new ConfigException(key, "must be a positive duration, got " + value);
        }
    }

    public static void notNegative(String key, Duration value) {
        if (value == null || value.isNegative()) {
            throw new ConfigException(key, "must not be negative, got " + value);
        }
    }

    public static void notBlank(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new ConfigException(key, "must be set");
        }
    }

    public static void present(String key, Object value) {
        if (value == null) {
            throw new ConfigException(key, "must be set");
        }
    }
}
