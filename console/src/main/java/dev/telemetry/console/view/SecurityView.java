package dev.telemetry.console.view;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;

/** Findings and reports of {@code telemetry.security} in a {@link RecentLog}, and the top offending IPs over them. */
public final class SecurityView {

    /** One IP over the findings held: how many, of which kinds, and when the latest was. */
    public record IpCount(String ip, long findings, List<String> events, Instant lastAt) {
    }

    private final RecentLog<Finding> findings;

    public SecurityView(Duration retention, int maxRecords, Clock clock) {
        this.findings = new RecentLog<>(retention, maxRecords, clock, Finding::at);
    }

    public boolean add(Finding f) {
        return f != null && f.event() != null && findings.add(f);
    }

    public void prune() {
        findings.prune();
    }

    /** Newest first; each argument null for any. */
    public List<Finding> query(String app, String event, String ip) {
        return query(app, event, null, ip);
    }

    /** Newest first; each argument null for any; {@code attackClass} as findings name it ({@code sqli}, {@code xss}). */
    public List<Finding> query(String app, String event, String attackClass, String ip) {
        return findings.query(matching(app, event, attackClass, ip));
    }

    /** The {@code n} IPs with the most findings (ties: latest first, then by IP). */
    public List<IpCount> topIps(String app, String event, int n) {
        return topIps(app, event, null, n);
    }

    /** The {@code n} IPs with the most findings of {@code attackClass} (null: any) (ties: latest first, then by IP). */
    public List<IpCount> topIps(String app, String event, String attackClass, int n) {
        Map<String, long[]> counts = new HashMap<>();
        Map<String, TreeSet<String>> events = new HashMap<>();
        Map<String, Instant> last = new HashMap<>();
        for (Finding f : findings.query(matching(app, event, attackClass, null))) {
            if (f.ip() == null) {
                continue;
            }
            counts.computeIfAbsent(f.ip(), k -> new long[1])[0]++;
            events.computeIfAbsent(f.ip(), k -> new TreeSet<>()).add(f.event());
            last.merge(f.ip(), f.at(), (a, b) -> a.isAfter(b) ? a : b);
        }
        List<IpCount> out = new ArrayList<>();
        counts.forEach((ip, c) -> out.add(new IpCount(ip, c[0], List.copyOf(events.get(ip)), last.get(ip))));
        out.sort(Comparator.comparingLong(IpCount::findings).reversed()
                .thenComparing(IpCount::lastAt, Comparator.reverseOrder()).thenComparing(IpCount::ip));
        return out.size() > n ? List.copyOf(out.subList(0, n)) : out;
    }

    public int size() {
        return findings.size();
    }

    private static Predicate<Finding> matching(String app, String event, String attackClass, String ip) {
        return f -> (app == null || app.equals(f.app())) && (event == null || event.equals(f.event()))
                && (attackClass == null || attackClass.equals(f.attackClass())) && (ip == null || ip.equals(f.ip()));
    }

    /** The kinds of finding held (event names), for a filter's choices. */
    public List<String> events() {
        TreeSet<String> names = new TreeSet<>();
        findings.query(f -> true).forEach(f -> names.add(f.event()));
        return List.copyOf(names);
    }
}
