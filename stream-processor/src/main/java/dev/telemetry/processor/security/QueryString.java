package dev.telemetry.processor.security;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses an input that is a query string or an {@code application/x-www-form-urlencoded} body,
 * {@code name=value(&name=value)*} with an optional leading {@code ?} (issue 12, item 6, round 5). The stream
 * processor inspects a request's whole query string as one input, but the application reads each value on its own:
 * {@code id=1%20AND%201=1&page=2} is the SQL {@code 1 AND 1=1} in {@code id}. The detector therefore also inspects each
 * value from its own start.
 *
 * <p>The parse: a name is 1 to {@value #MAX_NAME} characters of letters, digits, {@code _ . - [ ]}, and
 * {@code %5B}/{@code %5D} (encoded brackets, {@code filter%5Bcolor%5D}; no other escape, so that an encoded attack
 * such as {@code 1%09OR%091=1} is not taken for a name); a pair is {@code name=value}; pairs are separated by {@code &}.
 * A value runs to the next {@code &} that starts another {@code name=}: an {@code &} that does not
 * ({@code q=rock & roll&sort=asc}, {@code id=1 && 1=1}) belongs to the value, as a lenient server would keep it.
 * Empty pairs ({@code a=1&&b=2}) are allowed. The input is a query string only when it starts with a pair; otherwise
 * (prose, a path, a URL) there are no values. One pass, linear in the input.
 */
final class QueryString {

    static final int MAX_NAME = 64;

    private QueryString() {
    }

    /**
     * The pairs of {@code s} as {@code {nameStart, nameEnd, valueStart, valueEnd}}, or null when {@code s} is not a
     * query string.
     */
    static List<int[]> values(String s) {
        int n = s.length();
        int i = n > 0 && s.charAt(0) == '?' ? 1 : 0;
        int eq = nameEnd(s, i);
        if (eq < 0) {
            return null;
        }
        List<int[]> pairs = new ArrayList<>();
        int nameStart = i;
        int valueStart = eq + 1;
        int j = valueStart;
        while (j < n) {
            if (s.charAt(j) == '&') {
                int k = j;
                while (k < n && s.charAt(k) == '&') {
                    k++;
                }
                int next = k < n ? nameEnd(s, k) : -1;
                if (next >= 0 || k >= n) {
                    pairs.add(new int[] {nameStart, valueStart - 1, valueStart, j});
                    if (k >= n) {
                        return pairs;
                    }
                    nameStart = k;
                    valueStart = next + 1;
                    j = valueStart;
                    continue;
                }
                j = k;
                continue;
            }
            j++;
        }
        pairs.add(new int[] {nameStart, valueStart - 1, valueStart, n});
        return pairs;
    }

    /** The index of the {@code =} that ends a name starting at {@code i}, or -1 (bounded look-ahead). */
    private static int nameEnd(String s, int i) {
        int n = s.length();
        int j = i;
        while (j < n && j - i <= MAX_NAME) {
            char c = s.charAt(j);
            if (isNameChar(c)) {
                j++;
            } else if (c == '%' && j + 2 < n && s.charAt(j + 1) == '5' && "bBdD".indexOf(s.charAt(j + 2)) >= 0) {
                j += 3; // %5B, %5D: an encoded bracket (filter%5Bcolor%5D=red); no other escape is a name character
            } else {
                break;
            }
        }
        return j > i && j - i <= MAX_NAME && j < n && s.charAt(j) == '=' ? j : -1;
    }

    private static boolean isNameChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-'
                || c == '[' || c == ']';
    }
}
