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

    /**
     * Reads {@code text} as {@link Instant#parse} does. The form {@link #format} writes ({@code
     * 2025-03-01T10:00:00.123Z}: a four-digit year, seconds, an optional fraction of 1 to 9 digits, {@code Z}) is
     * read here, without the formatter machinery: every envelope a consumer decodes carries two instants, and
     * {@code Instant.parse} was a quarter of a backtest's time (docs/performance.md, "Rule lab backtest").
     * Anything else (offsets, leap seconds, other years, malformed text) is left to {@code Instant.parse}, so the
     * result, or the exception, is always {@code Instant.parse}'s.
     */
    static Instant parse(String text) {
        int length = text.length();
        if (length < 20 || length > 30 || text.charAt(length - 1) != 'Z' || text.charAt(4) != '-'
                || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return Instant.parse(text);
        }
        int year = number(text, 0, 4);
        int month = number(text, 5, 2);
        int day = number(text, 8, 2);
        int hour = number(text, 11, 2);
        int minute = number(text, 14, 2);
        int second = number(text, 17, 2);
        int nano = 0;
        if (length > 20) {
            int digits = length - 21;
            if (text.charAt(19) != '.' || digits < 1 || digits > 9) {
                return Instant.parse(text);
            }
            nano = number(text, 20, digits);
            for (int i = digits; i < 9 && nano >= 0; i++) {
                nano *= 10;
            }
        }
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 28 && day > lengthOfMonth(year, month)
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || nano < 0) {
            return Instant.parse(text);
        }
        // Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil), as java.time counts.
        int y = month <= 2 ? year - 1 : year;
        int era = Math.floorDiv(y, 400);
        int yearOfEra = y - era * 400;
        int dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        long days = era * 146_097L + dayOfEra - 719_468;
        return Instant.ofEpochSecond(days * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second, nano);
    }

    /** The decimal number of {@code width} digits at {@code at}; negative when one is not a digit. */
    private static int number(String text, int at, int width) {
        int value = 0;
        for (int i = at; i < at + width; i++) {
            int digit = text.charAt(i) - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    private static int lengthOfMonth(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    private static void digits(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
