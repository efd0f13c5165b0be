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

    @Test
    void shouldReadWhatItWritesOnAMillionRandomInstants() {
        SplittableRandom random = new SplittableRandom(7);
        long min = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
        long end = Instant.parse("+10000-01-01T00:00:00Z").getEpochSecond();
        for (int i = 0; i < 1_000_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(min, end), i % 3 == 0 ? 0 : random.nextInt(1_000_000_000));
            String text = format(instant);
            assertThat(IsoInstant.parse(text)).as(text).isEqualTo(instant);
        }
    }

    @Test
    void shouldReadAnyFractionLengthAsInstantParseDoes() {
        for (String text : new String[] {"2026-11-27T11:35:46.8Z", "2026-11-27T11:35:46.86Z", "2026-11-27T11:35:46.8656Z",
                "2026-11-27T11:35:46.86567Z", "2026-11-27T11:35:46.86567207Z", "2000-02-29T23:59:59.000000001Z",
                "1600-02-29T00:00:00Z", "0000-03-01T00:00:00Z", "1970-01-01T00:00:00.0Z"}) {
            assertThat(IsoInstant.parse(text)).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    void shouldLeaveEveryOtherFormAndEveryMistakeToInstantParse() {
        for (String text : new String[] {"2026-11-27T11:35:46+01:00", "2026-11-27T23:59:60Z", "+10000-01-01T00:00:00Z",
                "-0001-12-31T23:59:59Z", "2026-11-27t11:35:46Z", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
                "1900-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-11-27T24:00:00Z", "2026-11-27T11:60:00Z",
                "2026-11-27T11:35:46.Z", "2026-11-27T11:35:46.1234567890Z", "2026-11-27T11:35:4aZ", "2026-11-27 11:35:46Z",
                "2026-11-27T11:35:46", "", "2026-11-27T11:35:46.-1Z", "2026-00-10T00:00:00Z", "2026-01-00T00:00:00Z"}) {
            Object expected;
            try {
                expected = Instant.parse(text);
            } catch (java.time.format.DateTimeParseException e) {
                expected = e.getClass();
            }
            Object actual;
            try {
                actual = IsoInstant.parse(text);
            } catch (java.time.format.DateTimeParseException e) {
                actual = e.getClass();
            }
            assertThat(actual).as(text).isEqualTo(expected);
        }
    }

    private static String format(Instant instant) {
        char[] out = new char[IsoInstant.MAX_LENGTH];
        return new String(out, 0, IsoInstant.format(instant, out));
    }
}
