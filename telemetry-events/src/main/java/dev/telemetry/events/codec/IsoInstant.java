package dev.telemetry.events.codec;

import java.time.Instant;

/**
 * Writes an {@link Instant} exactly as {@link Instant#toString()} does (ISO-8601 in UTC, the fraction in
 * groups of three digits, none when zero), without the formatter machinery: every envelope carries two
 * instants, and {@code Instant.toString()} was a third of the envelope's encoding time on the gateway's
 * batched path (profiled, docs/performance.md). Years outside 0000–9999 fall back to {@code toString()}.
 */
final class IsoInstant {

    /** The longest {@code Instant.toString()}: {@code +1000000000-12-31T23:59:59.999999999Z} is 37. */
    static final int MAX_LENGTH = 40;
    private static final long SECONDS_PER_DAY = 86_400;
    /** 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z as epoch seconds. */
    private static final long MIN_SECOND = -62_167_219_200L;
    private static final long END_SECOND = 253_402_300_800L;

    private IsoInstant() {
    }

    /** Writes {@code instant} into {@code out} (at least {@link #MAX_LENGTH} long) and returns the length written. */
    static int format(Instant instant, char[] out) {
        long epochSecond = instant.getEpochSecond();
        if (epochSecond < MIN_SECOND || epochSecond >= END_SECOND) {
            String text = instant.toString();
            text.getChars(0, text.length(), out, 0);
            return text.length();
        }
        long days = Math.floorDiv(epochSecond, SECONDS_PER_DAY);
        int secondOfDay = (int) Math.floorMod(epochSecond, SECONDS_PER_DAY);
        // Civil date from days since 1970-01-01 (H. Hinnant's days_from_civil inverse), proleptic Gregorian as java.time.
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long shiftedMonth = (5 * dayOfYear + 2) / 153;
        int day = (int) (dayOfYear - (153 * shiftedMonth + 2) / 5 + 1);
        int month = (int) (shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9);
        int year = (int) (yearOfEra + era * 400 + (month <= 2 ? 1 : 0));

        digits(out, 0, year, 4);
        out[4] = '-';
        digits(out, 5, month, 2);
        out[7] = '-';
        digits(out, 8, day, 2);
        out[10] = 'T';
        digits(out, 11, secondOfDay / 3600, 2);
        out[13] = ':';
        digits(out, 14, secondOfDay / 60 % 60, 2);
        out[16] = ':';
        digits(out, 17, secondOfDay % 60, 2);
        int length = 19;
        int nano = instant.getNano();
        if (nano != 0) {
            out[length++] = '.';
            if (nano % 1_000_000 == 0) {
                digits(out, length, nano / 1_000_000, 3);
                length += 3;
            } else if (nano % 1_000 == 0) {
                digits(out, length, nano / 1_000, 6);
                length += 6;
            } else {
                digits(out, length, nano, 9);
                length += 9;
            }
        }
        out[length++] = 'Z';
        return length;
    }

    private static void digits(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
