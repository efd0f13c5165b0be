package dev.telemetry.console.view;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telemetry.events.Envelope;
import dev.telemetry.events.SecurityEvent;
import dev.telemetry.events.derived.RateLimitCount;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The log-like views: deliveries and dead letters, security findings with top IPs, rate-limit counts. */
class LogViewsTest {

    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
    private final ViewsTest.TestClock clock = new ViewsTest.TestClock();

    @Test
    void recentLogKeepsTheNewestWithinRetentionAndCap() {
        RecentLog<Instant> log = new RecentLog<>(Duration.ofHours(1), 3, clock, t -> t);
        assertThat(log.add(NOW.minus(Duration.ofMinutes(61)))).isFalse();
        for (int i = 5; i >= 1; i--) {
            assertThat(log.add(NOW.minusSeconds(i))).isTrue();
        }
        assertThat(log.size()).isEqualTo(3);
        assertThat(log.evicted()).isEqualTo(2);
        assertThat(log.query(t -> true)).containsExactly(NOW.minusSeconds(1), NOW.minusSeconds(2), NOW.minusSeconds(3));
        clock.now = NOW.plus(Duration.ofHours(1)).minusMillis(2500);
        assertThat(log.query(t -> true)).containsExactly(NOW.minusSeconds(1), NOW.minusSeconds(2));
        log.prune();
        assertThat(log.size()).isEqualTo(2);
    }

    @Test
    void deliveriesCountOutcomesPerReceiverAndListFailuresAndDeadLetters() {
        DeliveryView view = new DeliveryView(Duration.ofHours(6), 100, clock);
        view.add(attempt("ops-webhook", "delivered", null, 3));
        view.add(attempt("ops-webhook", "retryable", "HTTP 503", 2));
        view.add(attempt("ops-webhook", "folded", null, 1));
        view.add(attempt("pager", "permanent", "HTTP 400", 1));
        view.add(new DeadLetter("pager", "HTTP 400 after 1 attempt", "k1", 1, NOW.minusSeconds(60), NOW, null, null));
        assertThat(view.add((Delivery) null)).isFalse();

        List<DeliveryView.ReceiverStats> receivers = view.receivers(null);
        assertThat(receivers).extracting(DeliveryView.ReceiverStats::receiver).containsExactly("ops-webhook", "pager");
        DeliveryView.ReceiverStats ops = receivers.get(0);
        assertThat(ops.attempts()).isEqualTo(3);
        assertThat(ops.delivered()).isEqualTo(1);
        assertThat(ops.failed()).isEqualTo(1);
        assertThat(ops.folded()).isEqualTo(1);
        assertThat(ops.lastOutcome()).isEqualTo("folded");
        assertThat(receivers.get(1).deadLetters()).isEqualTo(1);
        assertThat(view.failures(null)).extracting(Delivery::reason).containsExactly("HTTP 400", "HTTP 503");
        assertThat(view.failures("pager")).extracting(Delivery::outcome).containsExactly("permanent");
        assertThat(view.deadLetters("ops-webhook")).isEmpty();
        assertThat(view.deadLetters("pager")).hasSize(1);
    }

    @Test
    void securityKeepsTheInputAsReceivedAndRanksOffendingIps() {
        SecurityView view = new SecurityView(Duration.ofHours(6), 100, clock);
        String payload = "<img src=x onerror=alert(1)>";
        view.add(Finding.of(finding("XSS Attempt", "10.0.0.1", "/search", payload, 30)));
        view.add(Finding.of(finding("SQL Injection Attempt", "10.0.0.1", "/login", "' OR 1=1 --", 20)));
        view.add(Finding.of(finding("Rate Limit Exceeded", "10.0.0.2", "/api", null, 10)));
        view.add(Finding.of(finding("XSS Attempt", "10.0.0.3", "/search", payload, 5)));
        view.add(Finding.of(finding("XSS Attempt", "10.0.0.3", "/search", payload, 1)));
        view.add(Finding.of(finding("XSS Attempt", "10.0.0.9", "/search", payload, 7 * 3600)));

        List<Finding> xss = view.query("shop", "XSS Attempt", null);
        assertThat(xss).hasSize(3);
        assertThat(xss.get(0).input()).isEqualTo(payload);
        assertThat(xss.get(0).ip()).isEqualTo("10.0.0.3");
        assertThat(xss.get(0).endpoint()).isEqualTo("/search");
        assertThat(xss.get(0).source()).isEqualTo("stream-processor");
        assertThat(view.query(null, null, "10.0.0.2").get(0).count()).isEqualTo(101);

        List<SecurityView.IpCount> top = view.topIps(null, null, 2);
        assertThat(top).extracting(SecurityView.IpCount::ip).containsExactly("10.0.0.3", "10.0.0.1");
        assertThat(top.get(1).events()).containsExactly("SQL Injection Attempt", "XSS Attempt");
        assertThat(view.query("blog", null, null)).isEmpty();
    }

    @Test
    void aClientReportWithoutIpInItsDataUsesTheEnvelopesClientIp() {
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("detail", "csp violation");
        Envelope e = new Envelope(1, "id-1", null, "shop", NOW, NOW, "192.0.2.7", "ua",
                new SecurityEvent("CSP Violation", data, NOW.toEpochMilli(), "low"));
        Finding f = Finding.of(e);
        assertThat(f.ip()).isEqualTo("192.0.2.7");
        assertThat(f.source()).isEqualTo("client");
    }

    @Test
    void rateLimitCountsFilterByIpAndExceeded() {
        RateLimitView view = new RateLimitView(Duration.ofHours(6), 100, clock);
        view.add(new RateLimitCount(1, "shop", "10.0.0.1", "/api", NOW.minusSeconds(120), NOW.minusSeconds(60), 150, 100, true));
        view.add(new RateLimitCount(1, "shop", "10.0.0.1", "/api", NOW.minusSeconds(60), NOW, 20, 100, false));
        view.add(new RateLimitCount(1, "shop", "10.0.0.2", "/api", NOW.minusSeconds(60), NOW, 5, 100, false));
        view.add(new RateLimitCount(1, "shop", "10.0.0.2", "/api", NOW.minus(Duration.ofHours(7)), NOW, 500, 100, true));
        assertThat(view.size()).isEqualTo(3);
        assertThat(view.query(null, "10.0.0.1", false)).extracting(RateLimitCount::count).containsExactly(20L, 150L);
        assertThat(view.query("shop", null, true)).extracting(RateLimitCount::ip).containsExactly("10.0.0.1");
    }

    private static Delivery attempt(String receiver, String outcome, String reason, int secondsAgo) {
        return new Delivery(receiver, "k-" + secondsAgo, "fp", "rule", "firing", 1, outcome, reason, 12,
                NOW.minusSeconds(secondsAgo));
    }

    private static Envelope finding(String event, String ip, String endpoint, String input, int secondsAgo) {
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("source", "stream-processor").put("ip", ip)
                .put("endpoint", endpoint);
        if (input != null) {
            data.put("input", input).put("field", "query").put("class", "xss");
        } else {
            data.put("count", 101L).put("limit", 100L);
        }
        Instant at = NOW.minusSeconds(secondsAgo);
        return new Envelope(1, "id-" + event + ip + secondsAgo, null, "shop", at, at, ip, "ua",
                new SecurityEvent(event, data, at.toEpochMilli(), "high"));
    }
}
