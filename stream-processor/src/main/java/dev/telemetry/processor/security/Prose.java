package dev.telemetry.processor.security;

/**
 * Context rules for text that quotes code rather than being code (issue 12, item 6, round 3). Both are linear scans.
 */
final class Prose {

    private Prose() {
    }

    /**
     * The input with its markdown code spans blanked when it is prose around them: "Replace `eval(json)` with
     * `JSON.parse(json)`", "Use `<script type="module">` in modern browsers". A span is a backtick at the start or
     * after a space or {@code ( * _ [}, at least two characters without a backtick, and a backtick before the end, a
     * space or punctuation. The spans are blanked only when the text outside them has at least three words of two
     * or more letters, so that a bare {@code `-alert(1)-`} or {@code alert`1`} stays as it is.
     */
    static String withoutCodeSpans(String s) {
        int first = s.indexOf('`');
        if (first < 0) {
            return s;
        }
        int n = s.length();
        StringBuilder out = null;
        int i = first;
        while (i >= 0 && i < n) {
            int close = s.indexOf('`', i + 1);
            if (close < 0) {
                break;
            }
            boolean opens = i == 0 || " \t(*_[".indexOf(s.charAt(i - 1)) >= 0;
            boolean closes = close + 1 >= n || " \t.,;:!?)*_]".indexOf(s.charAt(close + 1)) >= 0;
            if (opens && closes && close - i > 2) {
                if (out == null) {
                    out = new StringBuilder(s);
                }
                for (int k = i; k <= close; k++) {
                    out.setCharAt(k, ' ');
                }
                i = s.indexOf('`', close + 1);
            } else {
                i = close;
            }
        }
        if (out == null) {
            return s;
        }
        String blanked = out.toString();
        return proseWords(blanked, 0, blanked.length()) >= 3 ? blanked : s;
    }

    /** The longest double-quoted mention blanked by {@link #withoutQuotedMentions}, quotes excluded. */
    static final int MAX_MENTION = 64;

    /**
     * The input with its double-quoted code mentions blanked when it is prose around them (round 5): a search query
     * or question that quotes a fragment of code, {@code "<script>" tag placement head or body},
     * {@code "alert(" function not working in edge}, {@code "javascript:void(0)" what does it mean}. A mention is a
     * {@code "} at the start or after a space, {@code (} or {@code =}, at most {@value #MAX_MENTION} characters
     * without a {@code "}, and a {@code "} before the end, a space or punctuation; it is blanked only when the
     * fragment on its own is not script ({@link XssScanner#scan} finds nothing in it: {@code "<script>alert(1)</script>"}
     * stays), and only when the text outside the mentions has at least three words of two or more letters. A
     * breakout ({@code "><script>alert(1)</script>}, {@code " onmouseover="alert(1)}) has no such closing quote, or a
     * single word outside it, and is scanned as it is. Linear: each mention is scanned once, mentions do not overlap.
     */
    static String withoutQuotedMentions(String s) {
        int open = s.indexOf('"');
        if (open < 0) {
            return s;
        }
        int n = s.length();
        StringBuilder out = null;
        while (open >= 0 && open < n) {
            int close = s.indexOf('"', open + 1);
            if (close < 0) {
                break;
            }
            boolean opens = open == 0 || " \t(=".indexOf(s.charAt(open - 1)) >= 0;
            boolean closes = close + 1 >= n || " \t.,;:!?)&".indexOf(s.charAt(close + 1)) >= 0;
            if (opens && closes && close - open > 1 && close - open - 1 <= MAX_MENTION
                    && XssScanner.scan(s.substring(open + 1, close)) == null) {
                if (out == null) {
                    out = new StringBuilder(s);
                }
                for (int k = open; k <= close; k++) {
                    out.setCharAt(k, ' ');
                }
                open = s.indexOf('"', close + 1);
            } else {
                open = close;
            }
        }
        if (out == null) {
            return s;
        }
        String blanked = out.toString();
        return proseWords(blanked, 0, blanked.length()) >= 3 ? blanked : s;
    }

    /**
     * Whether the string that an input closes with {@code quote} (its start, up to the first such quote) is a phrase of
     * several words: "BAMBOO CHARCOAL SOAP 1 '#", "Cast Iron Skillet 12" -- pre-seasoned", "awk -F';' ...". A
     * string breakout ({@code admin'--}, {@code 1' #}, {@code x'; exec ...}) closes a single value.
     */
    static boolean isPhraseBeforeQuote(String s, char quote) {
        int close = s.indexOf(quote);
        if (close <= 0) {
            return false;
        }
        int start = 0;
        while (start < close && Character.isWhitespace(s.charAt(start))) {
            start++;
        }
        int end = close;
        while (end > start && Character.isWhitespace(s.charAt(end - 1))) {
            end--;
        }
        for (int k = start; k < end; k++) {
            if (Character.isWhitespace(s.charAt(k))) {
                return true;
            }
        }
        return false;
    }

    /** Words of at least two letters (bounded count) between {@code from} and {@code to}. */
    static int proseWords(String s, int from, int to) {
        int words = 0;
        int i = from;
        while (i < to && words < 8) {
            while (i < to && !Character.isLetter(s.charAt(i))) {
                i++;
            }
            int w = i;
            while (i < to && Character.isLetter(s.charAt(i))) {
                i++;
            }
            if (i - w >= 2 && (i >= to || " ,.;:!?".indexOf(s.charAt(i)) >= 0) && (w == 0 || s.charAt(w - 1) == ' ')) {
                words++;
            }
        }
        return words;
    }
}
