package dev.telemetry.events.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8Test {

    @Test
    void shouldAcceptWellFormedUtf8WhenItSpansOneToFourBytes() {
        assertThat(Utf8.firstInvalidByte("plain ascii, Zoë, €, 日本, 😀".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
        assertThat(Utf8.firstInvalidByte(new byte[0])).isEqualTo(-1);
    }

    @Test
    void shouldReportTheOffsetWhenASequenceIsInvalid() {
        assertThat(Utf8.firstInvalidByte(bytes(0x61, 0xFF))).isEqualTo(1);
        assertThat(Utf8.firstInvalidByte(bytes(0xC0, 0xAF))).isZero();            // overlong '/'
        assertThat(Utf8.firstInvalidByte(bytes(0xE0, 0x80, 0xAF))).isZero();      // overlong, 3 bytes
        assertThat(Utf8.firstInvalidByte(bytes(0xED, 0xA0, 0x80))).isZero();      // encoded surrogate
        assertThat(Utf8.firstInvalidByte(bytes(0xF4, 0x90, 0x80, 0x80))).isZero(); // above U+10FFFF
        assertThat(Utf8.firstInvalidByte(bytes(0x61, 0x62, 0xE2, 0x82))).isEqualTo(2); // truncated
        assertThat(Utf8.firstInvalidByte(bytes(0x80))).isZero();                  // stray continuation
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
