package dev.telemetry.console.view;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Deliveries: the recent attempts of {@code telemetry.notifications} and dead letters of {@code telemetry.alerts.dlq},
 * each a {@link RecentLog} (retention and {@code maxRecords}); per receiver, the counts of outcomes over what is held.
 */
public final class DeliveryView {

    /** Per receiver over the attempts held: how many, by outcome, and the latest one. */
    public record ReceiverStats(String receiver, long attempts, long delivered, long failed, long folded,
                                long deadLetters, Instant lastAt, String lastOutcome, String lastReason) {
    }

    private final RecentLog<Delivery> attempts;
    private final RecentLog<DeadLetter> deadLetters;

    public DeliveryView(Duration retention, int maxRecords, Clock clock) {
        this.attempts = new RecentLog<>(retention, maxRecords, clock, Delivery::at);
        this.deadLetters = new RecentLog<>(retention, maxRecords, clock, DeadLetter::at);
    }

    public boolean add(Delivery d) {
        return d != null && d.receiver() != null && d.outcome() != null && attempts.add(d);
    }

    public boolean add(DeadLetter d) {
        return deadLetters.add(d);
    }

    public void prune() {
        attempts.prune();
        deadLetters.prune();
    }

    /** Every receiver seen (or {@code receiver} only), by name. */
    public List<ReceiverStats> receivers(String receiver) {
        Map<String, long[]> counts = new LinkedHashMap<>();
        Map<String, Delivery> latest = new LinkedHashMap<>();
        for (Delivery d : attempts.query(d -> receiver == null || receiver.equals(d.receiver()))) {
            long[] c = counts.computeIfAbsent(d.receiver(), r -> new long[5]);
            c[0]++;
            if ("delivered".equals(d.outcome())) {
                c[1]++;
            } else if ("folded".equals(d.outcome())) {
                c[3]++;
            } else {
                c[2]++;
            }
            latest.putIfAbsent(d.receiver(), d); // newest first
        }
        for (DeadLetter d : deadLetters.query(d -> receiver == null || receiver.equals(d.receiver()))) {
            counts.computeIfAbsent(Objects.requireNonNullElse(d.receiver(), "(unknown)"), r -> new long[5])[4]++;
        }
        List<ReceiverStats> out = new ArrayList<>();
        counts.forEach((r, c) -> {
            Delivery last = latest.get(r);
            out.add(new ReceiverStats(r, c[0], c[1], c[2], c[3], c[4], last == null ? null : last.at(),
                    last == null ? null : last.outcome(), last == null ? null : last.reason()));
        });
        out.sort(Comparator.comparing(ReceiverStats::receiver));
        return out;
    }

    /** Failed attempts (not delivered, not folded), newest first. */
    public List<Delivery> failures(String receiver) {
        return attempts.query(d -> d.failed() && (receiver == null || receiver.equals(d.receiver())));
    }

    /** Dead letters, newest first. */
    public List<DeadLetter> deadLetters(String receiver) {
        return deadLetters.query(d -> receiver == null || receiver.equals(d.receiver()));
    }

    public int size() {
        return attempts.size() + deadLetters.size();
    }
}
