package dev.telemetry.processor.security;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * Second looks at what {@link InjectionDetector}'s rules matched, telling code from prose that mentions it. A
 * rule's regex finds SQL or script <em>words</em>; these checks read the characters and words around the match
 * the way a tokenizer would — is the quote a breakout or one of a pair around a phrase, is {@code javascript:}
 * followed by JavaScript or by a book title, is {@code alert()} called from code or named in a sentence, is the
 * SQL followed by more SQL or by English — and reject the match when the context is prose. All scans are linear
 * in the input, with no regexes of their own.
 */
final class Context {

    private Context() {
    }

    /** SQL words that never count as ordinary English words in a run of prose. */
    private static final Set<String> SQL_WORDS = Set.of("select", "union", "from", "where", "and", "or", "xor",
            "null", "like", "order", "by", "having", "limit", "into", "values", "exec", "execute", "declare",
            "waitfor", "case", "when", "then", "concat", "true", "false", "benchmark", "substring", "ascii",
            "distinct", "procedure", "outfile", "dual", "rlike", "regexp", "div", "information_schema", "sysobjects",
            "exists");

    /** Words that continue a SQL expression after a function call ({@code sleep(5) and 1=1}, {@code … from t}). */
    private static final Set<String> SQL_CONTINUATION = Set.of("and", "or", "xor", "from", "union", "into", "limit",
            "order", "group", "having", "where", "like", "rlike", "regexp", "is", "div", "mod", "end", "then", "else",
            "when", "as", "procedure", "desc", "asc", "for", "select", "insert", "update", "delete", "drop", "exec",
            "execute", "declare", "waitfor", "shutdown", "create", "alter", "truncate", "if", "begin", "not");

    /** JavaScript words that may start a statement and be followed by another word ({@code var x}, {@code new Image}). */
    private static final Set<String> JS_LEADING_WORDS = Set.of("var", "let", "const", "new", "return", "typeof", "void",
            "throw", "delete", "await", "function", "if", "for", "while", "do", "with", "this", "try", "import", "class",
            "async", "yield", "debugger", "in", "instanceof", "else", "top", "self", "parent", "window", "document");

    // ---------------------------------------------------------------- XSS

    /** {@code <script>}: a closing tag, attributes other than {@code type}, or JavaScript after it; not "the <script> tag is". */
    static boolean scriptTag(String s, Matcher m) {
        String tag = s.substring(m.start(), m.end());
        if (tag.indexOf('/') >= 0) {
            return true;
        }
        int i = m.end();
        int close = s.indexOf('>', i);
        if (close < 0) {
            return true;
        }
        String attributes = s.substring(i, close).trim().toLowerCase(Locale.ROOT);
        if (!attributes.isEmpty() && !attributes.matches("type\\s*=\\s*['\"]?[\\w/+-]*['\"]?")) {
            return true;
        }
        if (s.regionMatches(true, close, "></script", 0, 9) || indexOfIgnoreCase(s, "</script", close) >= 0) {
            return true;
        }
        return looksLikeCode(s, close + 1, true);
    }

    /** A tag that loads active content, with attributes, nested markup or code after it; not "the <iframe> docs". */
    static boolean activeTag(String s, Matcher m) {
        int end = m.end();
        char last = s.charAt(end - 1);
        if (last != '>') {
            return true;
        }
        return looksLikeCode(s, end, true) || nextNonSpace(s, end) == '<';
    }

    /** {@code <!--} only with markup around it; a plain comment ({@code <!-- TODO -->}) is not an attack. */
    static boolean markupDeclaration(String s, Matcher m) {
        if (!s.startsWith("<!--", m.start())) {
            return true;
        }
        int close = s.indexOf("-->", m.end());
        if (close < 0) {
            return true;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c == '<' && i != m.start()) || (c == '>' && i != close + 2) || c == '"' || c == '\'' || c == '`') {
                return true;
            }
        }
        return false;
    }

    /** {@code javascript:} followed by JavaScript; not "JavaScript: The Good Parts". */
    static boolean scriptUrl(String s, Matcher m) {
        int colon = s.indexOf(':', m.start());
        return looksLikeCode(s, colon + 1, false);
    }

    /**
     * {@code alert(1)}, {@code '-alert()-'}, {@code alert`1`}: a sink called with a literal or a DOM object, or from
     * code; not "an alert() pops up", "the `alert(msg)` call", "please confirm (yes/no)".
     */
    static boolean scriptSink(String s, Matcher m) {
        int open = m.end() - 1;
        char opener = s.charAt(open);
        int start = m.start();
        while (start < s.length() && !Character.isLetter(s.charAt(start))) {
            start++;
        }
        if (opener == '`') {
            // `eval` in markdown is a code span, not a tagged template call.
            return !(start > 0 && s.charAt(start - 1) == '`');
        }
        if (opener != '(') {
            return true;
        }
        boolean codeBefore = codeBefore(s, start);
        int close = s.indexOf(')', open);
        String args = close < 0 ? s.substring(open + 1) : s.substring(open + 1, close);
        String a = args.trim();
        if (a.isEmpty()) {
            return codeBefore && !proseAfter(s, close < 0 ? s.length() : close + 1, 2);
        }
        char c = a.charAt(0);
        if (Character.isDigit(c) || c == '\'' || c == '"' || c == '`' || c == '/' || c == '[' || c == '{' || c == '-'
                || c == '(' || c == '\\' || c == '&' || c == '%') {
            return !(Character.isDigit(c) && twoWords(a));
        }
        String lower = a.toLowerCase(Locale.ROOT);
        if (lower.startsWith("document") || lower.startsWith("window") || lower.startsWith("top") || lower.startsWith("self")
                || lower.startsWith("this") || lower.startsWith("string.") || lower.startsWith("atob")
                || lower.startsWith("location") || lower.startsWith("name") && lower.length() == 4) {
            return true;
        }
        if (a.indexOf('+') >= 0 || a.indexOf('(') >= 0 || a.indexOf('[') >= 0 || a.indexOf('=') >= 0) {
            return true;
        }
        return codeBefore && !twoWords(a);
    }

    /** {@code =alert,}, {@code top[…]}: a sink passed as a value; not a "[ALERT] Disk usage" label. */
    static boolean sinkReference(String s, Matcher m) {
        char first = s.charAt(m.start());
        if (first == '[') {
            int before = prevNonSpace(s, m.start());
            return before >= 0 && !Character.isWhitespace(s.charAt(m.start() - 1));
        }
        return true;
    }

    /** {@code document.cookie} read or written by code; not "accessing document.cookie from a worker". */
    static boolean domAccess(String s, Matcher m) {
        if (codeBefore(s, m.start())) {
            return true;
        }
        int end = m.end();
        while (end < s.length() && Character.isLetterOrDigit(s.charAt(end))) {
            end++;
        }
        if (end >= s.length()) {
            return m.start() > 0;
        }
        char c = s.charAt(end);
        if (c == '(' && s.startsWith("()", end) && proseAfter(s, end + 2, 2)) {
            return false;
        }
        return "=(+;,)[.'\"`".indexOf(c) >= 0 && !(c == '.' && (end + 1 >= s.length()
                || Character.isWhitespace(s.charAt(end + 1))));
    }

    /** CSS {@code expression(…)} as a property value; not "facial expression (happy, sad)". */
    static boolean cssScript(String s, Matcher m) {
        String match = s.substring(m.start(), m.end()).toLowerCase(Locale.ROOT);
        if (!match.startsWith("expression")) {
            return true;
        }
        int before = prevNonSpace(s, m.start());
        if (before >= 0 && ":=;{\"'(".indexOf(s.charAt(before)) >= 0) {
            return true;
        }
        return !Character.isWhitespace(s.charAt(m.end() - 2)) && looksLikeCode(s, m.end(), false);
    }

    // ---------------------------------------------------------------- SQL

    /** {@code UNION SELECT} after a breakout, or with a select list of SQL; not "Union Select Hotel, 14 Harbour Road". */
    static boolean unionSelect(String s, Matcher m) {
        int before = prevNonSpace(s, m.start());
        if (before >= 0) {
            char c = s.charAt(before);
            boolean phrase = (c == '\'' || c == '"' || c == '`') && inQuotedPhrase(s, before);
            if (!phrase && (c == '\'' || c == '"' || c == '`') || c == ')' || c == '/' || c == '-' || c == '#' || c == '%'
                    || c == ']' || c == ';' || c == '*' || Character.isDigit(c)) {
                return true;
            }
        }
        return sqlSelectList(s, m.end());
    }

    /** {@code ; select …} with a select list of SQL; not "…; select mirror". */
    static boolean stackedQuery(String s, Matcher m) {
        if (inCodeSpan(s, m.start(), m.end()) && proseRun(s, 0, 3)) {
            return false;
        }
        String match = s.substring(m.start(), m.end()).toLowerCase(Locale.ROOT);
        int select = match.indexOf("select");
        if (select < 0 || match.indexOf(';') > select) {
            return !proseAfter(s, m.end(), 3);
        }
        return sqlSelectList(s, m.start() + select + 6);
    }

    /** A SQL statement, unless it is quoted in a sentence ("… returns nothing after the migration") or uses bind placeholders. */
    static boolean statement(String s, Matcher m) {
        if (inCodeSpan(s, m.start(), m.end()) && proseRun(s, 0, 3)) {
            return false;
        }
        return !hasPlaceholder(s) && !proseRun(s, m.start(), 3);
    }

    /** A quote that breaks out of a string, not the first or last quote of a quoted phrase, and not followed by prose. */
    static boolean quoteLed(String s, Matcher m) {
        int q = firstQuote(s, m.start(), m.end());
        if (q >= 0 && inQuotedPhrase(s, q) && !sqlAfterPhrase(s, q)) {
            return false;
        }
        return !proseAfter(s, m.end(), 3);
    }

    /** Whether SQL logic follows the quoted phrase around {@code q} ({@code ("aa") or -1 != "0}). */
    private static boolean sqlAfterPhrase(String s, int q) {
        char quote = s.charAt(q);
        int close = opens(s, q) && s.indexOf(quote, q + 1) > q ? s.indexOf(quote, q + 1) : q;
        int i = close + 1;
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == ')')) {
            i++;
        }
        if (i >= s.length()) {
            return false;
        }
        if (s.startsWith("--", i)) {
            return !proseAfter(s, i + 2, 1);
        }
        if ("=<>!|&+*/#;".indexOf(s.charAt(i)) >= 0) {
            return true;
        }
        int start = i;
        while (i < s.length() && Character.isLetter(s.charAt(i))) {
            i++;
        }
        String word = s.substring(start, i).toLowerCase(Locale.ROOT);
        return Set.of("and", "or", "xor", "union", "having", "where", "like", "rlike", "regexp", "div", "in", "is",
                "order", "group", "limit", "into", "procedure", "waitfor").contains(word);
    }

    /** A match followed by SQL, a comment or the end; not one followed by three words of English. */
    static boolean notProseAfter(String s, Matcher m) {
        return !proseAfter(s, m.end(), 3);
    }

    /** {@code sleep(5)} in SQL; not "sleep(5) minutes", "benchmark() results", "COALESCE(a, b) slower than". */
    static boolean sqlFunction(String s, Matcher m) {
        int open = s.indexOf('(', m.start());
        int close = matchingParen(s, open);
        if (close < 0) {
            return true;
        }
        if (twoWords(s.substring(open + 1, close))) {
            return false;
        }
        int start = m.start();
        while (start < s.length() && !Character.isLetter(s.charAt(start))) {
            start++;
        }
        if (sqlBefore(s, start)) {
            return !proseRun(s, close + 1, 3) || firstQuote(s, 0, s.length()) >= 0;
        }
        return !proseTail(s, close + 1);
    }

    // ---------------------------------------------------------------- helpers

    /** Whether the text from {@code from} reads as JavaScript rather than as words ("tag in", "The Good Parts"). */
    static boolean looksLikeCode(String s, int from, boolean emptyIsCode) {
        int i = from;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        if (i >= s.length()) {
            return emptyIsCode;
        }
        char c = s.charAt(i);
        if (c == '`') {
            return i + 1 < s.length() && (Character.isLetterOrDigit(s.charAt(i + 1)) || "${\\'\"(".indexOf(s.charAt(i + 1)) >= 0);
        }
        if (!Character.isLetter(c) && c != '_' && c != '$') {
            return c != ',' && c != '.' && c != '!' && c != '?' && c != ':' && c != ')';
        }
        int start = i;
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == '$'
                || (s.charAt(i) == '\'' && i + 1 < s.length() && Character.isLetter(s.charAt(i + 1))
                && i + 2 < s.length() && !Character.isLetterOrDigit(s.charAt(i + 2))))) {
            i++;
        }
        String word = s.substring(start, i).toLowerCase(Locale.ROOT);
        if (JS_LEADING_WORDS.contains(word)) {
            return true;
        }
        if (i >= s.length()) {
            return false;
        }
        char next = s.charAt(i);
        if (next == '.') {
            return i + 1 < s.length() && (Character.isLetter(s.charAt(i + 1)) || s.charAt(i + 1) == '_');
        }
        return "([=`;+-*/&|^%'\"<>{}\\".indexOf(next) >= 0;
    }

    /** Whether the character before {@code i} (spaces skipped) is an operator or quote that only code puts there. */
    private static boolean codeBefore(String s, int i) {
        int before = prevNonSpace(s, i);
        if (before < 0) {
            return false;
        }
        return ";=({[:+-*|&,>'\"!~?/\\%".indexOf(s.charAt(before)) >= 0;
    }

    /** Whether a SQL function at {@code i} is called from SQL: after a quote, an operator or a SQL keyword. */
    private static boolean sqlBefore(String s, int i) {
        int before = prevNonSpace(s, i);
        if (before < 0) {
            return false;
        }
        char c = s.charAt(before);
        if ("'\"`=(,;|&+-*/<>#)".indexOf(c) >= 0 || Character.isDigit(c)) {
            return true;
        }
        int end = before + 1;
        int start = end;
        while (start > 0 && Character.isLetter(s.charAt(start - 1))) {
            start--;
        }
        String word = s.substring(start, end).toLowerCase(Locale.ROOT);
        return Set.of("and", "or", "xor", "select", "where", "having", "not", "if", "when", "else", "by", "waitfor",
                "union", "exec", "execute", "like", "rlike", "regexp", "return", "begin").contains(word);
    }

    /** After a SQL call: English ("minutes", "between API calls", "-- album by Max Richter"), not SQL or nothing. */
    private static boolean proseTail(String s, int from) {
        int i = from;
        while (i < s.length() && (s.charAt(i) == ' ' || ":,.!?".indexOf(s.charAt(i)) >= 0)) {
            i++;
        }
        if (s.startsWith("--", i) && i + 2 < s.length() && s.charAt(i + 2) == ' ') {
            return proseAfter(s, i + 2, 1);
        }
        int start = i;
        while (i < s.length() && Character.isLetter(s.charAt(i))) {
            i++;
        }
        if (i == start) {
            return false;
        }
        String word = s.substring(start, i).toLowerCase(Locale.ROOT);
        return !SQL_CONTINUATION.contains(word) && (i >= s.length() || !Character.isDigit(s.charAt(i)));
    }

    /** Whether {@code n} plain English words follow {@code from} (after spaces, dashes and punctuation). */
    static boolean proseAfter(String s, int from, int n) {
        int i = from;
        while (i < s.length() && (Character.isWhitespace(s.charAt(i)) || ",.:;!?-)".indexOf(s.charAt(i)) >= 0)) {
            i++;
        }
        int words = 0;
        while (words < n) {
            int start = i;
            while (i < s.length() && (Character.isLetter(s.charAt(i)) || (s.charAt(i) == '\'' && i > start
                    && i + 1 < s.length() && Character.isLetter(s.charAt(i + 1))))) {
                i++;
            }
            if (i == start || !plain(s.substring(start, i))) {
                return false;
            }
            words++;
            if (words == n) {
                return true;
            }
            if (i >= s.length() || s.charAt(i) != ' ') {
                return false;
            }
            i++;
        }
        return true;
    }

    /** Whether a run of {@code n} plain English words appears anywhere from {@code from} on. */
    static boolean proseRun(String s, int from, int n) {
        int run = 0;
        int i = from;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isLetter(c)) {
                int start = i;
                while (i < s.length() && (Character.isLetter(s.charAt(i)) || (s.charAt(i) == '\'' && i + 1 < s.length()
                        && Character.isLetter(s.charAt(i + 1))))) {
                    i++;
                }
                boolean wordEnds = i >= s.length() || s.charAt(i) == ' ' || ",.!?".indexOf(s.charAt(i)) >= 0;
                boolean before = start == 0 || s.charAt(start - 1) == ' ';
                if (before && wordEnds && plain(s.substring(start, i))) {
                    run++;
                    if (run >= n) {
                        return true;
                    }
                } else {
                    run = 0;
                }
                if (i < s.length() && s.charAt(i) != ' ') {
                    run = ",.!?".indexOf(s.charAt(i)) >= 0 ? run : 0;
                    i++;
                    if (i < s.length() && s.charAt(i) != ' ') {
                        run = 0;
                    }
                } else {
                    i++;
                }
            } else if (c == ' ') {
                i++;
            } else {
                run = 0;
                i++;
            }
        }
        return false;
    }

    private static boolean plain(String word) {
        if (word.isEmpty()) {
            return false;
        }
        String lower = word.toLowerCase(Locale.ROOT);
        if (SQL_WORDS.contains(lower)) {
            return false;
        }
        for (int i = 1; i < word.length(); i++) {
            if (Character.isUpperCase(word.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** "8 hours", "yes no": two words side by side, which no SQL or script argument list has. */
    private static boolean twoWords(String args) {
        String a = args.trim();
        int space = a.indexOf(' ');
        if (space < 0) {
            return false;
        }
        String first = a.substring(0, space);
        String rest = a.substring(space + 1).trim();
        return !first.isEmpty() && !rest.isEmpty() && first.chars().allMatch(Character::isLetterOrDigit)
                && Character.isLetter(rest.charAt(0)) && !SQL_WORDS.contains(rest.split("[^A-Za-z]", 2)[0].toLowerCase(Locale.ROOT));
    }

    /** A bind placeholder as an operand ({@code = ?}, {@code (?, ?)}, {@code = $1}, {@code = :id}): SQL quoted in a report. */
    private static boolean hasPlaceholder(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '?' || c == '$' || c == ':') {
                int before = prevNonSpace(s, i);
                if (before < 0 || "=(,<>".indexOf(s.charAt(before)) < 0) {
                    continue;
                }
                int j = i + 1;
                if (c == '?') {
                    if (j >= s.length() || " ,)".indexOf(s.charAt(j)) >= 0) {
                        return true;
                    }
                } else if (c == '$' ? j < s.length() && Character.isDigit(s.charAt(j))
                        : j < s.length() && Character.isLetter(s.charAt(j))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A select list that only SQL has: a number, NULL, *, @@, a call, a string, or a FROM or comment further on. */
    static boolean sqlSelectList(String s, int from) {
        int i = from;
        while (i < s.length() && (Character.isWhitespace(s.charAt(i)) || s.charAt(i) == '+' || s.charAt(i) == '(')) {
            i++;
        }
        int amp = s.indexOf('&', i);
        // In a query string the select list ends with its parameter.
        // A window is enough to read a select list, and keeps many matches in one long input linear.
        String rest = s.substring(i, Math.min(i + 256, amp < 0 ? s.length() : amp)).toLowerCase(Locale.ROOT);
        if (rest.startsWith("--")) {
            return !proseAfter(rest, 2, 2);
        }
        if (rest.startsWith("all ") || rest.startsWith("distinct ")) {
            return true;
        }
        if (rest.isEmpty()) {
            return true;
        }
        char c = rest.charAt(0);
        if (Character.isDigit(c) || c == '-') {
            int j = 1;
            while (j < rest.length() && (Character.isDigit(rest.charAt(j)) || rest.charAt(j) == '.')) {
                j++;
            }
            while (j < rest.length() && rest.charAt(j) == ' ') {
                j++;
            }
            return j >= rest.length() || !Character.isLetter(rest.charAt(j)) || rest.startsWith("from", j)
                    || rest.startsWith("into", j) || rest.startsWith("union", j) || rest.startsWith("and", j)
                    || rest.startsWith("or", j) || rest.startsWith("limit", j) || rest.startsWith("order", j);
        }
        if (!Character.isLetter(c) && c != '_') {
            return c != ',' && c != '.' && c != '!' && c != '?' && c != '&';
        }
        int j = 0;
        while (j < rest.length() && (Character.isLetterOrDigit(rest.charAt(j)) || rest.charAt(j) == '_')) {
            j++;
        }
        String word = rest.substring(0, j);
        if (word.equals("null") || word.startsWith("0x") || word.equals("case") || word.equals("top")
                || word.equals("char") || word.equals("concat") || word.equals("version") || word.equals("user")
                || word.equals("database") || word.equals("sleep") || word.equals("benchmark") || word.equals("if")) {
            return true;
        }
        if (j < rest.length() && (rest.charAt(j) == '(' || rest.charAt(j) == '.' && j + 1 < rest.length()
                && Character.isLetter(rest.charAt(j + 1)) || rest.charAt(j) == '@')) {
            return true;
        }
        return containsWord(rest, "from") || rest.contains("--") || rest.contains("#") || rest.contains("/*")
                || rest.contains(";");
    }

    private static boolean containsWord(String lower, String word) {
        int i = lower.indexOf(word);
        while (i >= 0) {
            boolean start = i == 0 || !Character.isLetterOrDigit(lower.charAt(i - 1));
            int end = i + word.length();
            boolean stop = end >= lower.length() || !Character.isLetterOrDigit(lower.charAt(end));
            if (start && stop) {
                return true;
            }
            i = lower.indexOf(word, i + 1);
        }
        return false;
    }

    /** Whether {@code [start, end)} lies inside a markdown code span ({@code `…`} opened after a space or the start). */
    private static boolean inCodeSpan(String s, int start, int end) {
        int open = s.lastIndexOf('`', start);
        if (open < 0 || (open > 0 && !Character.isWhitespace(s.charAt(open - 1)) && ":(*_".indexOf(s.charAt(open - 1)) < 0)) {
            return false;
        }
        int close = s.indexOf('`', Math.max(end, open + 1));
        return close > 0 && s.substring(open + 1, close).indexOf('`') < 0
                && (close + 1 >= s.length() || Character.isWhitespace(s.charAt(close + 1)) || ".,;:!?)*_".indexOf(s.charAt(close + 1)) >= 0);
    }

    private static int firstQuote(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                return i;
            }
        }
        return -1;
    }

    /**
     * Whether the quote at {@code q} opens or closes a quoted phrase: an opening quote after a space, the start or a
     * bracket, followed by text, and a closing quote of the same kind followed by a space, punctuation or the end
     * ("drop table" xkcd, 'where 1=1' mean, the `DROP TABLE` in). A quote that breaks out of a string has no
     * such partner.
     */
    static boolean inQuotedPhrase(String s, int q) {
        char quote = s.charAt(q);
        // As an opening quote.
        if (opens(s, q)) {
            int close = s.indexOf(quote, q + 1);
            if (close > q + 1 && close - q <= 80 && closes(s, close)) {
                return true;
            }
        }
        // As a closing quote: find the opening one before it.
        int open = s.lastIndexOf(quote, q - 1);
        return open >= 0 && q - open > 1 && q - open <= 80 && opens(s, open) && closes(s, q)
                && (open == 0 || s.lastIndexOf(quote, open - 1) < 0 || !opens(s, s.lastIndexOf(quote, open - 1)));
    }

    private static boolean opens(String s, int q) {
        boolean before = q == 0 || Character.isWhitespace(s.charAt(q - 1)) || "([{*_:".indexOf(s.charAt(q - 1)) >= 0;
        return before && q + 1 < s.length() && !Character.isWhitespace(s.charAt(q + 1));
    }

    private static boolean closes(String s, int q) {
        return !Character.isWhitespace(s.charAt(q - 1))
                && (q + 1 >= s.length() || Character.isWhitespace(s.charAt(q + 1)) || ".,;:!?)]*_".indexOf(s.charAt(q + 1)) >= 0);
    }

    private static int matchingParen(String s, int open) {
        if (open < 0) {
            return -1;
        }
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private static int prevNonSpace(String s, int i) {
        int j = i - 1;
        while (j >= 0 && Character.isWhitespace(s.charAt(j))) {
            j--;
        }
        return j;
    }

    private static char nextNonSpace(String s, int i) {
        int j = i;
        while (j < s.length() && Character.isWhitespace(s.charAt(j))) {
            j++;
        }
        return j < s.length() ? s.charAt(j) : '\0';
    }

    private static int indexOfIgnoreCase(String s, String needle, int from) {
        for (int i = Math.max(0, from); i + needle.length() <= s.length(); i++) {
            if (s.regionMatches(true, i, needle, 0, needle.length())) {
                return i;
            }
        }
        return -1;
    }
}
