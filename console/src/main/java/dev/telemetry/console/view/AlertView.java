package dev.telemetry.console.view;

import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The latest state of each alert (by fingerprint) from {@code telemetry.alerts}, bounded: resolved alerts
 * whose end is older than {@code now - retention} are dropped, and at most {@code maxAlerts} fingerprints are
 * kept (beyond it resolved alerts go first, then pending and firing ones, oldest evaluation first).
 * A state change older (by {@code evaluatedAt}) than the one held is ignored.
 *
 * <p>Thread-safe, as {@link SeriesView}.
 */
public final class AlertView {

    private final Duration retention;
    private final int maxAlerts;
    private final Clock clock;
    private final Map<String, AlertEvent> byFingerprint = new HashMap<>();
    private long evicted;

    public AlertView(Duration retention, int maxAlerts, Clock clock) {
        if (retention.isNegative() || retention.isZero() || maxAlerts <= 0) {
            throw new IllegalArgumentException("retention and cap must be positive");
        }
        this.retention = retention;
        this.maxAlerts = maxAlerts;
        this.clock = clock;
    }

    /** Records one state change; false when it was ignored (stale, unusable, or resolved too long ago). */
    public synchronized boolean add(AlertEvent alert) {
        if (alert == null || alert.fingerprint() == null || alert.status() == null) {
            return false;
        }
        if (expired(alert, cutoff())) {
            byFingerprint.remove(alert.fingerprint());
            return false;
        }
        AlertEvent held = byFingerprint.get(alert.fingerprint());
        if (held != null && held.evaluatedAt() != null && alert.evaluatedAt() != null
                && alert.evaluatedAt().isBefore(held.evaluatedAt())) {
            return false;
        }
        if (held == null && byFingerprint.size() >= maxAlerts) {
            prune();
            if (byFingerprint.size() >= maxAlerts) {
                AlertEvent victim = byFingerprint.values().stream()
                        .min(Comparator.comparing((AlertEvent a) -> a.status() != AlertStatus.RESOLVED)
                                .thenComparing(AlertView::lastChange))
                        .orElseThrow();
                byFingerprint.remove(victim.fingerprint());
                evicted++;
            }
        }
        byFingerprint.put(alert.fingerprint(), alert);
        return true;
    }

    /** Drops resolved alerts that ended before the retention. */
    public synchronized void prune() {
        Instant cutoff = cutoff();
        byFingerprint.values().removeIf(a -> expired(a, cutoff));
    }

    /**
     * The alerts whose status is one of {@code statuses} (all when empty) and whose {@code app} label is
     * {@code app} (any when null); firing first, then pending, then resolved, each newest change first.
     */
    public synchronized List<AlertEvent> query(Set<AlertStatus> statuses, String app) {
        Instant cutoff = cutoff();
        List<AlertEvent> out = new ArrayList<>();
        for (AlertEvent a : byFingerprint.values()) {
            if (expired(a, cutoff)
                    || (!statuses.isEmpty() && !statuses.contains(a.status()))
                    || (app != null && !app.equals(a.labels().get("app")))) {
                continue;
            }
            out.add(a);
        }
        out.sort(Comparator.comparingInt((AlertEvent a) -> order(a.status()))
                .thenComparing(AlertView::lastChange, Comparator.reverseOrder())
                .thenComparing(AlertEvent::fingerprint));
        return out;
    }

    public synchronized int size() {
        return byFingerprint.size();
    }

    /** Alerts dropped because of {@code maxAlerts}. */
    public synchronized long evicted() {
        return evicted;
    }

    private static int order(AlertStatus status) {
        return switch (status) {
            case FIRING -> 0;
            case PENDING -> 1;
            case RESOLVED -> 2;
        };
    }

    private static Instant lastChange(AlertEvent a) {
        if (a.evaluatedAt() != null) {
            return a.evaluatedAt();
        }
        if (a.endsAt() != null) {
            return a.endsAt();
        }
        return a.startsAt() == null ? Instant.MIN : a.startsAt();
    }

    private static boolean expired(AlertEvent a, Instant cutoff) {
        return a.status() == AlertStatus.RESOLVED && lastChange(a).isBefore(cutoff)
                && (a.endsAt() == null || a.endsAt().isBefore(cutoff));
    }

    private Instant cutoff() {
        return clock.instant().minus(retention);
    }
}
