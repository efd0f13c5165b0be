package dev.telemetry.processor.slo.spec;

import dev.telemetry.service.config.ConfigException;
import dev.telemetry.service.config.Require;
import java.time.Duration;

/**
 * An SLO's indicator as configured: its type and the fields that type needs.
 *
 * @param endpoint  availability and latency: the request's endpoint; every endpoint when absent
 * @param threshold latency: a request is good when its duration is at most this
 * @param name      vital: the vital's name, e.g. {@code LCP}
 * @param page      vital: only this page (the vital's page, else its URL's path); every page when absent
 * @param check     synthetic: the check's name
 * @param good      ratio: the custom metric whose values sum up the good events
 * @param total     ratio: the custom metric whose values sum up all events
 */
public record Sli(SliType type, String endpoint, Duration threshold, String name, String page, String check,
                  String good, String total) {

    /** Checks the indicator configured at {@code key} (e.g. {@code slos[1].sli}); failures name the field. */
    public void validate(String key) {
        Require.present(key + ".type", type);
        switch (type) {
            case AVAILABILITY -> notBlankIfSet(key + ".endpoint", endpoint);
            case LATENCY -> {
                notBlankIfSet(key + ".endpoint", endpoint);
                Require.positive(key + ".threshold", threshold);
            }
            case VITAL -> {
                Require.notBlank(key + ".name", name);
                notBlankIfSet(key + ".page", page);
            }
            case SYNTHETIC -> Require.notBlank(key + ".check", check);
            case RATIO -> {
                Require.notBlank(key + ".good", good);
                Require.notBlank(key + ".total", total);
                if (good.equals(total)) {
                    throw new ConfigException(key + ".total", "must name another metric than good ('" + good + "')");
                }
            }
            default -> throw new IllegalStateException("unknown SLI type " + type);
        }
        if (type != SliType.LATENCY && threshold != null) {
            throw new ConfigException(key + ".threshold", "only latency SLIs have a threshold");
        }
    }

    private static void notBlankIfSet(String key, String value) {
        if (value != null && value.isBlank()) {
            throw new ConfigException(key, "must not be blank (leave it out to mean all)");
        }
    }
}
