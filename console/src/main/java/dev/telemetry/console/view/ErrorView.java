package dev.telemetry.console.view;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.ErrorEvent;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.errors.ErrorFingerprint;
import dev.telemetry.events.errors.ReportedErrors;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the errors view knows besides the counts per window (those are the {@code errors} summaries in
 * {@link SeriesView}): per app and fingerprint, from the raw {@code telemetry.errors}, when it was first and last
 * seen within the read model and its latest sample (message and top frame, as sent); and, from
 * {@code telemetry.alerts}, which fingerprints the processor called new or regressed.
 *
 * <p>The fingerprint is computed with the processor's own {@link ErrorFingerprint} over the same events
 * ({@link ReportedErrors}), so a sample joins its {@code errors{fingerprint=...}} series.
 *
 * <p><b>New and regressed</b> (the processor decides; the console only remembers what it said, within the retention):
 * <ul>
 *   <li>regressed: an {@code error_regression} alert names the app and fingerprint (label {@code fingerprint});</li>
 *   <li>new: a {@code new_error_fingerprint} rollup alert of the app names the fingerprint among its
 *       {@code top_offenders}; or, when that rollup could not name all of its window's new fingerprints (more than
 *       its top offenders, or some only counted as {@code others}), the fingerprint's first occurrence in the read
 *       model falls inside that rollup's window. The rollup confirms that new fingerprints appeared then; the first
 *       occurrence says this was one of them. (Without the processor's word, a first occurrence in the read model
 *       means nothing: the read model starts at now - retention.)</li>
 * </ul>
 *
 * <p>Bounded: at most {@code maxFingerprints} samples (a new one evicts the one last seen longest ago), regressions
 * and rollup windows each; all dropped once older than the retention. Messages and frames are cut to
 * {@value #MAX_MESSAGE} and {@value #MAX_FRAME} characters. Thread-safe (one lock; reads copy).
 */
public final class ErrorView {

    static final String NEW_RULE = "new_error_fingerprint";
    static final String REGRESSION_RULE = "error_regression";
    static final int MAX_MESSAGE = 2000;
    static final int MAX_FRAME = 500;

    /** One fingerprint's raw side: first and last seen in the read model, and its latest sample. */
    public record Sample(String app, String fingerprint, String type, Instant firstSeen, Instant lastSeen,
                         String message, String frame, String level, String url) {
    }

    /** What the processor said about a fingerprint. */
    public enum Status {
        NEW("new"), REGRESSED("regressed");

        private final String wireName;

        Status(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /** One window of a {@code new_error_fingerprint} rollup: the fingerprints it names, and whether those are all. */
    private record Rollup(String app, Instant windowStart, Instant windowEnd, Set<String> named, boolean complete) {
    }

    private final Duration retention;
    private final int maxFingerprints;
    private final Clock clock;
    private final Map<String, Sample> samples = new HashMap<>();
    private final Map<String, Instant> regressions = new HashMap<>();
    private final Map<String, Rollup> rollups = new HashMap<>();
    private long evicted;

    public ErrorView(Duration retention, int maxFingerprints, Clock clock) {
        if (retention.isNegative() || retention.isZero() || maxFingerprints <= 0) {
            throw new IllegalArgumentException("retention and cap must be positive");
        }
        this.retention = retention;
        this.maxFingerprints = maxFingerprints;
        this.clock = clock;
    }

    /** One record of {@code telemetry.errors}; false when it is no error or older than the retention. */
    public synchronized boolean add(Envelope envelope) {
        ErrorEvent error = envelope == null ? null : ReportedErrors.asError(envelope.event());
        if (error == null || envelope.eventTime().isBefore(cutoff())) {
            return false;
        }
        String fingerprint = ErrorFingerprint.of(error.type(), error.message(), error.stack());
        String key = key(envelope.app(), fingerprint);
        Instant at = envelope.eventTime();
        Sample had = samples.get(key);
        if (had == null) {
            makeRoom(samples, Sample::lastSeen);
            samples.put(key, new Sample(envelope.app(), fingerprint, error.type() == null ? "Error" : error.type(), at, at,
                    cut(error.message(), MAX_MESSAGE), cut(ErrorFingerprint.firstFrame(error.stack()), MAX_FRAME),
                    error.level(), cut(error.url(), MAX_FRAME)));
            return true;
        }
        Instant first = at.isBefore(had.firstSeen()) ? at : had.firstSeen();
        if (at.isBefore(had.lastSeen())) {
            // An older occurrence (partitions read at different paces) only moves firstSeen back.
            samples.put(key, new Sample(had.app(), fingerprint, had.type(), first, had.lastSeen(), had.message(),
                    had.frame(), had.level(), had.url()));
        } else {
            samples.put(key, new Sample(had.app(), fingerprint, had.type(), first, at, cut(error.message(), MAX_MESSAGE),
                    cut(ErrorFingerprint.firstFrame(error.stack()), MAX_FRAME), error.level(), cut(error.url(), MAX_FRAME)));
        }
        return true;
    }

    /** One record of {@code telemetry.alerts}; true only when it says something about errors (new or regressed). */
    public synchronized boolean add(AlertEvent alert) {
        if (alert == null || alert.labels().get("app") == null) {
            return false;
        }
        String app = alert.labels().get("app");
        if (REGRESSION_RULE.equals(alert.rule())) {
            String fingerprint = alert.labels().get("fingerprint");
            Instant at = alert.startsAt() == null ? alert.evaluatedAt() : alert.startsAt();
            if (fingerprint == null || at == null || at.isBefore(cutoff())) {
                return false;
            }
            String key = key(app, fingerprint);
            Instant had = regressions.get(key);
            if (had != null && !at.isAfter(had)) {
                return false;
            }
            if (had == null) {
                makeRoom(regressions, t -> t);
            }
            regressions.put(key, at);
            return true;
        }
        if (NEW_RULE.equals(alert.rule())) {
            Rollup rollup = rollup(app, alert);
            if (rollup == null || rollup.windowEnd().isBefore(cutoff())) {
                return false;
            }
            String key = app + "|" + rollup.windowStart();
            if (!rollups.containsKey(key)) {
                makeRoom(rollups, Rollup::windowEnd);
            }
            // Every update of one window names at least what the last one did: the latest replaces it.
            return !rollup.equals(rollups.put(key, rollup));
        }
        return false;
    }

    /** The rollup one alert describes: its window (startsAt to window_end) and the fingerprints it names. */
    private static Rollup rollup(String app, AlertEvent alert) {
        if (alert.startsAt() == null) {
            return null;
        }
        Map<String, String> a = alert.annotations();
        Instant end = instant(a.get("window_end"));
        if (end == null) {
            end = alert.evaluatedAt() == null ? alert.startsAt() : alert.evaluatedAt();
        }
        Set<String> named = new HashSet<>();
        String top = a.get("top_offenders");
        if (top != null && !top.isBlank()) {
            for (String part : top.split(",")) {
                // "fingerprint (count)": the fingerprint is hex, never containing " (".
                String item = part.trim();
                int paren = item.lastIndexOf(" (");
                named.add(paren < 0 ? item : item.substring(0, paren));
            }
        }
        String distinct = a.get("distinct_fingerprints");
        boolean complete = distinct != null && !distinct.endsWith("+") && a.get("others") == null
                && distinct.equals(Integer.toString(named.size()));
        return new Rollup(app, alert.startsAt(), end, Set.copyOf(named), complete);
    }

    /**
     * What the processor said about the fingerprints of {@code app} (every app when null), as of now: a snapshot,
     * so a request asks about many fingerprints under one short lock.
     */
    public synchronized Marks marks(String app) {
        Instant cutoff = cutoff();
        Set<String> regressed = new HashSet<>();
        regressions.forEach((key, at) -> {
            if (!at.isBefore(cutoff)) {
                regressed.add(key);
            }
        });
        Set<String> named = new HashSet<>();
        List<Rollup> incomplete = new ArrayList<>();
        for (Rollup r : rollups.values()) {
            if ((app != null && !r.app().equals(app)) || r.windowEnd().isBefore(cutoff)) {
                continue;
            }
            r.named().forEach(fp -> named.add(key(r.app(), fp)));
            if (!r.complete()) {
                incomplete.add(r);
            }
        }
        return new Marks(regressed, named, incomplete);
    }

    /** See {@link #marks}. */
    public static final class Marks {
        private final Set<String> regressed;
        private final Set<String> named;
        private final List<Rollup> incomplete;

        private Marks(Set<String> regressed, Set<String> named, List<Rollup> incomplete) {
            this.regressed = regressed;
            this.named = named;
            this.incomplete = incomplete;
        }

        /** New, regressed or null; regressed wins (it is the later news). */
        public Status status(String app, String fingerprint, Instant firstSeen) {
            String key = key(app, fingerprint);
            if (regressed.contains(key)) {
                return Status.REGRESSED;
            }
            if (named.contains(key)) {
                return Status.NEW;
            }
            if (firstSeen != null) {
                for (Rollup r : incomplete) {
                    if (r.app().equals(app) && !firstSeen.isBefore(r.windowStart()) && firstSeen.isBefore(r.windowEnd())) {
                        return Status.NEW;
                    }
                }
            }
            return null;
        }
    }

    /** The samples of {@code app} (every app when null) within the retention, last seen first. */
    public synchronized List<Sample> samples(String app) {
        Instant cutoff = cutoff();
        List<Sample> out = new ArrayList<>();
        for (Sample s : samples.values()) {
            if ((app == null || app.equals(s.app())) && !s.lastSeen().isBefore(cutoff)) {
                out.add(s);
            }
        }
        out.sort(Comparator.comparing(Sample::lastSeen, Comparator.reverseOrder()).thenComparing(Sample::fingerprint));
        return out;
    }

    /** Drops what is older than the retention. */
    public synchronized void prune() {
        Instant cutoff = cutoff();
        samples.values().removeIf(s -> s.lastSeen().isBefore(cutoff));
        regressions.values().removeIf(t -> t.isBefore(cutoff));
        rollups.values().removeIf(r -> r.windowEnd().isBefore(cutoff));
    }

    /** Fingerprints with a sample. */
    public synchronized int size() {
        return samples.size();
    }

    /** Samples, regressions and rollup windows dropped because of the cap. */
    public synchronized long evicted() {
        return evicted;
    }

    /** Below the cap again: first what fell out of the retention, then the entry whose time is oldest. */
    private <T> void makeRoom(Map<String, T> map, java.util.function.Function<T, Instant> time) {
        if (map.size() < maxFingerprints) {
            return;
        }
        Instant cutoff = cutoff();
        map.values().removeIf(v -> time.apply(v).isBefore(cutoff));
        while (map.size() >= maxFingerprints) {
            String oldest = map.entrySet().stream().min(Map.Entry.comparingByValue(Comparator.comparing(time)))
                    .orElseThrow().getKey();
            map.remove(oldest);
            evicted++;
        }
    }

    static String key(String app, String fingerprint) {
        return app + "|" + fingerprint;
    }

    /** At most {@code max} characters, never splitting a surrogate pair; "…" marks a cut. */
    static String cut(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, end) + "…";
    }

    private static Instant instant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private Instant cutoff() {
        return clock.instant().minus(retention);
    }
}
