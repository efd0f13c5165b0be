package dev.telemetry.gateway.http;

import java.util.List;

/**
 * Decides the client IP of a request. {@code X-Forwarded-For} is believed only when the TCP peer is
 * a configured trusted proxy; the list is then read from the right, skipping trusted proxies, and the
 * first address that is not one is the client. Anyone can write the header, so an untrusted peer's
 * header is ignored and the leftmost entries (which the client itself may have written) never win
 * over an address a trusted proxy appended.
 */
public final class ClientAddress {

    public static final String FORWARDED_FOR = "X-Forwarded-For";

    private final IpMatcher trustedProxies;

    public ClientAddress(List<String> trustedProxies) {
        this.trustedProxies = new IpMatcher(trustedProxies);
    }

    public String resolve(String peer, String forwardedFor) {
        if (forwardedFor == null || forwardedFor.isBlank() || trustedProxies.isEmpty() || !trustedProxies.matches(peer)) {
            return peer;
        }
        String[] hops = forwardedFor.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (IpMatcher.parseLiteral(hop).isEmpty()) {
                // Garbage in the chain: what is left of it cannot be trusted; the last proxy is the best we know.
                return peer;
            }
            if (!trustedProxies.matches(hop)) {
                return hop;
            }
            peer = hop;
        }
        return peer;
    }
}
