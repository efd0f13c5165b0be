package dev.telemetry.gateway.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches every connection of the gateway's connector, from accept to close (added to the connector as a
 * {@link Connection.Listener}):
 * <ul>
 * <li>at most {@code maxPerIp} connections per TCP peer address: one more is closed as soon as it is opened,
 * before a byte is read. The peer is the socket's, never {@code X-Forwarded-For} (a header cannot limit a
 * connection that is already open); trusted proxies are exempt, since every client behind them shares their
 * address.</li>
 * <li>a header deadline: a client has {@code headerTimeout} to complete a request's head, counted from the
 * connection's opening for its first request and from the head's first byte for later ones on a kept-alive
 * connection; one that has not is closed. Jetty parses heads without a thread, so a slow head costs no thread,
 * but without a deadline a client sending a byte every few seconds never reaches the idle timeout and keeps its
 * connection (and file descriptor) for ever.</li>
 * </ul>
 * {@link #sweep()} enforces the deadline; the gateway calls it a few times a second. It reads the state of
 * Jetty's HTTP/1.1 parser from the sweeping thread, without the connection's lock: a stale read only delays a
 * cut-off to a later sweep. {@code HttpConnection} is in Jetty's {@code internal} package, so a Jetty upgrade
 * may need this class adjusted; SlowClientsTest would fail if it stopped working.
 */
public final class ConnectionGuard implements Connection.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

    private final int maxPerIp;
    private final IpMatcher exempt;
    private final long headerTimeoutNanos;
    private final LongSupplier nanoClock;
    private final Map<String, Integer> perIp = new ConcurrentHashMap<>();
    private final Map<Connection, Tracked> open = new ConcurrentHashMap<>();
    private final Counter refusedPerIp;
    private final Counter headerTimeouts;

    /** What the guard knows of one open connection. {@code headStarted} is only touched by the sweeping thread. */
    private static final class Tracked {
        final String ip;
        final boolean counted;
        final long openedNanos;
        long headStartedNanos = -1;

        Tracked(String ip, boolean counted, long openedNanos) {
            this.ip = ip;
            this.counted = counted;
            this.openedNanos = openedNanos;
        }
    }

    public ConnectionGuard(int maxPerIp, IpMatcher exempt, Duration headerTimeout, MeterRegistry registry, LongSupplier nanoClock) {
        this.maxPerIp = maxPerIp;
        this.exempt = exempt;
        this.headerTimeoutNanos = headerTimeout.toNanos();
        this.nanoClock = nanoClock;
        this.refusedPerIp = Counter.builder("ingest.connections.refused")
                .description("Connections closed as soon as they were accepted, by reason")
                .tag("reason", "per_ip").register(registry);
        this.headerTimeouts = cutCounter(registry, "header_timeout");
        Gauge.builder("ingest.connections.open", open, Map::size)
                .description("Connections open now (refused ones not counted)").register(registry);
    }

    /**
     * Slow clients cut off, by reason: {@code header_timeout}, {@code body_timeout}, {@code body_too_slow}. One meter
     * name for all, registered where each is enforced.
     */
    static Counter cutCounter(MeterRegistry registry, String reason) {
        return Counter.builder("ingest.connections.cut")
                .description("Requests of slow clients cut off (head or body not received in time), by reason")
                .tag("reason", reason).register(registry);
    }

    @Override
    public void onOpened(Connection connection) {
        String ip = ip(connection.getEndPoint().getRemoteSocketAddress());
        boolean counted = false;
        if (ip != null && !exempt.matches(ip)) {
            boolean[] admitted = new boolean[1];
            perIp.compute(ip, (k, n) -> {
                int now = n == null ? 0 : n;
                admitted[0] = now < maxPerIp;
                return admitted[0] ? now + 1 : n;
            });
            if (!admitted[0]) {
                refusedPerIp.increment();
                LOG.debug("closing a connection from {}: it already has {} open", ip, maxPerIp);
                connection.getEndPoint().close();
                return;
            }
            counted = true;
        }
        open.put(connection, new Tracked(ip, counted, nanoClock.getAsLong()));
    }

    @Override
    public void onClosed(Connection connection) {
        Tracked tracked = open.remove(connection);
        if (tracked != null && tracked.counted) {
            perIp.computeIfPresent(tracked.ip, (k, n) -> n <= 1 ? null : n - 1);
        }
    }

    /** Closes the connections whose request head is overdue. */
    public void sweep() {
        long now = nanoClock.getAsLong();
        for (Map.Entry<Connection, Tracked> entry : open.entrySet()) {
            if (entry.getKey() instanceof HttpConnection http) {
                Tracked tracked = entry.getValue();
                long since = headStarted(http, tracked, now);
                if (since >= 0 && now - since > headerTimeoutNanos) {
                    headerTimeouts.increment();
                    LOG.debug("closing a connection from {}: no complete request head within {} ms", tracked.ip,
                            headerTimeoutNanos / 1_000_000);
                    tracked.headStartedNanos = -1;
                    http.getEndPoint().close();
                }
            }
        }
    }

    /** Since when the connection has owed us a request head, or -1 if it owes none now. */
    private static long headStarted(HttpConnection http, Tracked tracked, long now) {
        HttpParser.State state = http.getParser().getState();
        boolean firstRequest = http.getMessagesIn() == 0;
        if (state.ordinal() >= HttpParser.State.CONTENT.ordinal()) {
            // The head is complete: the body, if any, has deadlines of its own (AsyncBodyReader).
            tracked.headStartedNanos = -1;
            return -1;
        }
        if (state == HttpParser.State.START) {
            // Nothing of a request yet: on a new connection the first head is due; between requests, the idle timeout rules.
            tracked.headStartedNanos = -1;
            return firstRequest ? tracked.openedNanos : -1;
        }
        if (tracked.headStartedNanos < 0) {
            tracked.headStartedNanos = firstRequest ? tracked.openedNanos : now;
        }
        return tracked.headStartedNanos;
    }

    /** Connections open now from {@code ip} that count against its cap. */
    int openFrom(String ip) {
        return perIp.getOrDefault(ip, 0);
    }

    private static String ip(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return null;
    }
}
