package dev.telemetry.events.codec;

/**
 * Strict UTF-8 validation (RFC 3629): no overlong forms, no encoded surrogates, nothing above
 * U+10FFFF. Jackson decodes some invalid sequences silently (an overlong {@code C0 AF} becomes
 * {@code /}), so a body is checked before it is parsed; ASCII, the common case, costs one comparison a byte.
 */
public final class Utf8 {

    private Utf8() {
    }

    /** The offset of the first byte that is not part of a valid UTF-8 sequence, or -1 if all are valid. */
    public static int firstInvalidByte(byte[] b) {
        int i = 0;
        int n = b.length;
        while (i < n) {
            int c = b[i];
            if (c >= 0) {
                i++;
                continue;
            }
            c &= 0xFF;
            if (c >= 0xC2 && c <= 0xDF) {
                if (!continuation(b, i + 1, n)) return i;
                i += 2;
            } else if (c >= 0xE0 && c <= 0xEF) {
                if (i + 2 >= n || !continuation(b, i + 1, n) || !continuation(b, i + 2, n)) return i;
                int c1 = b[i + 1] & 0xFF;
                // E0 needs A0..BF (else overlong); ED needs 80..9F (else a UTF-16 surrogate).
                if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F)) return i;
                i += 3;
            } else if (c >= 0xF0 && c <= 0xF4) {
                if (i + 3 >= n || !continuation(b, i + 1, n) || !continuation(b, i + 2, n) || !continuation(b, i + 3, n)) return i;
                int c1 = b[i + 1] & 0xFF;
                // F0 needs 90..BF (else overlong); F4 needs 80..8F (else above U+10FFFF).
                if ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F)) return i;
                i += 4;
            } else {
                return i;
            }
        }
        return -1;
    }

    private static boolean continuation(byte[] b, int i, int n) {
        return i < n && (b[i] & 0xC0) == 0x80;
    }
}
