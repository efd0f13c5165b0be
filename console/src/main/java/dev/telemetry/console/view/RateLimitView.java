package dev.telemetry.console.view;

import dev.telemetry.events.derived.RateLimitCount;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** The per-minute request counts of {@code telemetry.ratelimit} (app, IP, endpoint) in a {@link RecentLog}. */
public final class RateLimitView {

    private final RecentLog<RateLimitCount> counts;

    public RateLimitView(Duration retention, int maxRecords, Clock clock) {
        this.counts = new RecentLog<>(retention, maxRecords, clock, RateLimitCount::windowStart);
    }

    public boolean add(RateLimitCount c) {
        return c != null && c.ip() != null && counts.add(c);
    }

    public void prune() {
        counts.prune();
    }

    /** Newest window first; null arguments match any; {@code exceededOnly} keeps the counts over the limit. */
    public List<RateLimitCount> query(String app, String ip, boolean exceededOnly) {
        return counts.query(c -> (app == null || app.equals(c.app())) && (ip == null || ip.equals(c.ip()))
                && (!exceededOnly || c.exceeded()));
    }

    public int size() {
        return counts.size();
    }
}
