package dev.telemetry.events.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsoInstantTest {

    @Test
    void shouldWriteExactlyWhatInstantToStringWritesAtTheEdges() {
        for (String text : new String[] {"1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999999999Z", "2000-02-29T12:00:00.100Z",
                "2026-11-27T11:35:46.865672075Z", "2026-11-27T11:35:46.756Z", "2026-11-27T11:35:46.000756Z",
                "1900-03-01T00:00:00Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "2100-02-28T23:59:59Z"}) {
            assertThat(format(Instant.parse(text))).isEqualTo(text);
        }
    }

    @Test
    void shouldFallBackToInstantToStringOutsideFourDigitYears() {
        for (Instant instant : new Instant[] {Instant.parse("+10000-01-01T00:00:00Z"), Instant.parse("-0001-12-31T23:59:59Z"),
                Instant.MIN, Instant.MAX}) {
            assertThat(format(instant)).isEqualTo(instant.toString());
        }
    }

    @Test
    void shouldAgreeWithInstantToStringOnAMillionRandomInstants() {
        SplittableRandom random = new SplittableRandom(42);
        long min = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
        long end = Instant.parse("+10000-01-01T00:00:00Z").getEpochSecond();
        for (int i = 0; i < 1_000_000; i++) {
            long second = random.nextLong(min, end);
            int nano = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(second, nano);
            assertThat(format(instant)).isEqualTo(instant.toString());
        }
    }

    private static String format(Instant instant) {
        char[] out = new char[IsoInstant.MAX_LENGTH];
        return new String(out, 0, IsoInstant.format(instant, out));
    }
}
