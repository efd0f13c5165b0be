package dev.telemetry.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressTest {

    private final ClientAddress behindProxies = new ClientAddress(List.of("10.0.0.0/8", "2001:db8::/32"));

    @Test
    void shouldIgnoreTheHeaderWhenThePeerIsNotATrustedProxy() {
        assertThat(behindProxies.resolve("203.0.113.5", "198.51.100.1")).isEqualTo("203.0.113.5");
        assertThat(new ClientAddress(List.of()).resolve("10.0.0.1", "198.51.100.1")).isEqualTo("10.0.0.1");
    }

    @Test
    void shouldTakeTheRightmostUntrustedHopWhenThePeerIsATrustedProxy() {
        // A client can prepend anything; only what our proxies appended counts.
        assertThat(behindProxies.resolve("10.1.2.3", "6.6.6.6, 198.51.100.1, 10.9.9.9")).isEqualTo("198.51.100.1");
        assertThat(behindProxies.resolve("2001:db8::1", "198.51.100.2")).isEqualTo("198.51.100.2");
    }

    @Test
    void shouldFallBackToTheLastProxyWhenTheChainHoldsGarbageOrOnlyProxies() {
        assertThat(behindProxies.resolve("10.1.2.3", "not-an-ip, 10.0.0.9")).isEqualTo("10.0.0.9");
        assertThat(behindProxies.resolve("10.1.2.3", "evil.example")).isEqualTo("10.1.2.3");
        assertThat(behindProxies.resolve("10.1.2.3", "10.0.0.7, 10.0.0.8")).isEqualTo("10.0.0.7");
        assertThat(behindProxies.resolve("10.1.2.3", "")).isEqualTo("10.1.2.3");
    }

    @Test
    void shouldAcceptOnlyIpLiteralsAndCidrBlocksWhenValidatingConfiguration() {
        assertThat(IpMatcher.isValid("10.0.0.0/8")).isTrue();
        assertThat(IpMatcher.isValid("::1")).isTrue();
        assertThat(IpMatcher.isValid("192.168.1.7")).isTrue();
        assertThat(IpMatcher.isValid("localhost")).isFalse();
        assertThat(IpMatcher.isValid("10.0.0.0/33")).isFalse();
        assertThat(IpMatcher.isValid("10.0.0")).isFalse();
    }
}
