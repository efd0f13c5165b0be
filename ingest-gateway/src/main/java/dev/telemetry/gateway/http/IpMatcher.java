package dev.telemetry.gateway.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * A set of IP addresses and CIDR blocks ({@code 10.0.0.0/8}, {@code ::1}). Only literals are parsed:
 * a hostname in configuration or in a client's header must never trigger a DNS lookup.
 */
public final class IpMatcher {

    private record Block(byte[] network, int prefix) {
    }

    private final List<Block> blocks;

    public IpMatcher(List<String> entries) {
        this.blocks = entries.stream().map(e -> parseBlock(e).orElseThrow(
                () -> new IllegalArgumentException("not an IP address or CIDR block: " + e))).toList();
    }

    public static boolean isValid(String entry) {
        return parseBlock(entry).isPresent();
    }

    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    public boolean matches(String ip) {
        Optional<byte[]> address = parseLiteral(ip);
        if (address.isEmpty()) {
            return false;
        }
        for (Block block : blocks) {
            if (inBlock(address.get(), block)) {
                return true;
            }
        }
        return false;
    }

    /** The address of an IP literal, or empty for anything else (hostnames included). */
    static Optional<byte[]> parseLiteral(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.trim();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        if (s.isEmpty() || s.length() > 45 || !s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            return Optional.empty();
        }
        if (s.indexOf(':') < 0 && !s.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(s).getAddress());
        } catch (UnknownHostException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<Block> parseBlock(String entry) {
        if (entry == null) {
            return Optional.empty();
        }
        int slash = entry.indexOf('/');
        Optional<byte[]> address = parseLiteral(slash < 0 ? entry : entry.substring(0, slash));
        if (address.isEmpty()) {
            return Optional.empty();
        }
        int bits = address.get().length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(entry.substring(slash + 1));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
            if (prefix < 0 || prefix > bits) {
                return Optional.empty();
            }
        }
        return Optional.of(new Block(address.get(), prefix));
    }

    private static boolean inBlock(byte[] address, Block block) {
        if (address.length != block.network().length) {
            return false;
        }
        int full = block.prefix() / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != block.network()[i]) {
                return false;
            }
        }
        int rest = block.prefix() % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (address[full] & mask) == (block.network()[full] & mask);
    }
}
