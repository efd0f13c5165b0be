package dev.telemetry.processor.security;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises SQL injection and XSS in request paths, query strings and reported inputs, without flagging ordinary
 * English or prose that names SQL or script ("please select an option", "JavaScript: The Good Parts",
 * "an alert() pops up", "sleep(5) minutes").
 *
 * <p>Two linear scanners, no regular expressions over the input (issue 12, item 6):
 * <ul>
 *   <li><b>SQL injection</b> — {@link SqlTokenizer} reads the start of the input as SQL, as given and as if it had
 *   been put inside a '...' or "..." string, and folds each reading into a fingerprint of at most five tokens
 *   ({@code s&1o1} is {@code ' or 1=1}). The input is an injection when a fingerprint is in
 *   {@code sqli-fingerprints.txt}: the five-token fingerprints of the tune split's attacks that no tune-split benign
 *   input has and that contain SQL structure — and, where a benign input shares the five tokens ({@code 1&1o1} is
 *   {@code 1 and 1=2} and also "5 > 3 and 3 > 1"), the eight-token fingerprints that no benign input has (logic, a statement, a comment, a function, a variable, a clause), made by
 *   {@code DetectorEvaluation --learn}. This is libinjection's approach, with a fingerprint list learnt here.
 *   Beside the list, {@link SqlGrammar} flags shapes that SQL's grammar makes injections for any data (stacked
 *   queries, tautologies, subqueries, breakouts; round 4).</li>
 *   <li><b>XSS</b> — {@link XssScanner} reads tags and attributes, script URLs, sink calls and DOM access.</li>
 * </ul>
 *
 * <p>Round 5: an input that is a query string or form body ({@code id=1%20AND%201=1&page=2}, {@link QueryString}) is
 * also inspected value by value, since the application reads each value from its own start; double-quoted code
 * fragments in prose ("\"&lt;script&gt;\" tag placement ...") are read as mentions ({@link Prose#withoutQuotedMentions});
 * block comments that split a word ({@code UNI/**}{@code /ON}) are removed in one more form.
 *
 * <p>Every input is checked as given and after URL-decoding (up to three times: payloads are often double-encoded)
 * and HTML-entity/escape decoding, since what reaches a page or a query is the decoded form. Work is linear in the
 * input's length (at most five forms, each scanned a bounded number of times). Thread-safe. Measured on the public
 * corpus in {@code docs/security-detection.md}.
 */
public final class InjectionDetector {

    /** SQL fingerprints that mark an injection, one per line ({@code DetectorEvaluation --learn} writes it). */
    static final Set<String> SQLI_FINGERPRINTS = loadFingerprints();

    private static Set<String> loadFingerprints() {
        try (InputStream in = InjectionDetector.class.getResourceAsStream("sqli-fingerprints.txt")) {
            if (in == null) {
                throw new IllegalStateException("sqli-fingerprints.txt missing from the class path");
            }
            Set<String> set = new HashSet<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    set.add(line.strip());
                }
            }
            return Set.copyOf(set);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The verdict for one input; null or blank input is clean. */
    public Verdict inspect(String input) {
        if (input == null || input.isBlank()) {
            return Verdict.CLEAN;
        }
        List<int[]> values = QueryString.values(input);
        List<String> inputForms = forms(input);
        for (int f = 0; f < inputForms.size(); f++) {
            // A query string's raw form is not what any reader sees: '+' is a space there, not SQL's plus
            // (q=1+or+2+items read raw is "1 + or + 2 ..."), so it is read for script only.
            boolean rawQuery = f == 0 && values != null && inputForms.size() > 1;
            Verdict verdict = rawQuery ? xssOnly(inputForms.get(f)) : inspectForm(inputForms.get(f));
            if (verdict.attack()) {
                return verdict;
            }
        }
        // A query string or form body (id=1%20AND%201=1&page=2): each value is a separate input to the application,
        // so each is also read from its own start, decoded like any input (round 5).
        if (values != null) {
            for (int[] v : values) {
                String value = input.substring(v[2], v[3]);
                if (value.isBlank()) {
                    continue;
                }
                List<String> forms = forms(value);
                // The application reads the value decoded ('+' is a space): the raw form is read only when decoding
                // leaves it as it is.
                for (String form : forms.subList(forms.size() > 1 ? 1 : 0, forms.size())) {
                    Verdict verdict = inspectForm(form);
                    if (verdict.attack()) {
                        return Verdict.of(verdict.attackClass(), "param[" + input.substring(v[0], Math.min(v[1], v[0] + 64))
                                + "]:" + verdict.rule());
                    }
                }
            }
        }
        return Verdict.CLEAN;
    }

    private static Verdict xssOnly(String form) {
        String xss = XssScanner.scan(Prose.withoutQuotedMentions(Prose.withoutCodeSpans(form.toLowerCase(Locale.ROOT))));
        return xss == null ? Verdict.CLEAN : Verdict.of(AttackClass.XSS, xss);
    }

    private static Verdict inspectForm(String form) {
        String lower = form.toLowerCase(Locale.ROOT);
        String xss = XssScanner.scan(Prose.withoutQuotedMentions(Prose.withoutCodeSpans(lower)));
        if (xss != null) {
            return Verdict.of(AttackClass.XSS, xss);
        }
        String rule = sqlRule(lower, SQLI_FINGERPRINTS);
        return rule == null ? Verdict.CLEAN : Verdict.of(AttackClass.SQLI, rule);
    }

    /**
     * The SQL rule the input breaks, or null: for each reading (as given, in '...', in "..."), a grammar rule
     * ({@link SqlGrammar}: {@code sqli-grammar:<rule>:<fingerprint>}) or a fingerprint in {@code known}
     * ({@code sqli-fingerprint:<fingerprint>}).
     */
    static String sqlRule(String lower, Set<String> known) {
        for (char context : SqlTokenizer.CONTEXTS) {
            if (context != 0 && lower.indexOf(context) < 0) {
                continue;
            }
            SqlTokenizer.Tokens tokens = SqlTokenizer.tokens(lower, context);
            String fingerprint = tokens.fingerprint();
            String grammar = SqlGrammar.rule(tokens);
            if (grammar != null) {
                return "sqli-grammar:" + grammar + ":" + fingerprint;
            }
            String prefix = shortFingerprint(fingerprint);
            if (known.contains(prefix)) {
                return "sqli-fingerprint:" + prefix;
            }
            if (fingerprint.length() > SqlTokenizer.SHORT && known.contains(fingerprint)) {
                return "sqli-fingerprint:" + fingerprint;
            }
        }
        return null;
    }

    /** The first {@link SqlTokenizer#SHORT} tokens of a fingerprint. */
    static String shortFingerprint(String fingerprint) {
        return fingerprint.length() <= SqlTokenizer.SHORT ? fingerprint : fingerprint.substring(0, SqlTokenizer.SHORT);
    }

    /** The input's fingerprints in every context that applies (for learning the list). */
    static List<String> sqlFingerprints(String input) {
        List<String> all = new ArrayList<>(3);
        String lower = input.toLowerCase(Locale.ROOT);
        for (char context : SqlTokenizer.CONTEXTS) {
            if (context == 0 || lower.indexOf(context) >= 0) {
                all.add(SqlTokenizer.fingerprint(lower, context));
            }
        }
        return all;
    }

    /** Control characters, removed for the squeezed form; compiled once (this runs for every request log). */
    private static final Pattern CONTROL_CHARACTERS = Pattern.compile("[\\x00-\\x08\\x09\\x0a\\x0b\\x0c\\x0d\\x0e-\\x1f]");

    private static boolean hasControlCharacter(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < 0x20) {
                return true;
            }
        }
        return false;
    }

    /** The input as given and as a browser or database would see it after decoding. */
    static List<String> forms(String input) {
        List<String> forms = new ArrayList<>(4);
        forms.add(input);
        String decoded = input;
        for (int i = 0; i < 3; i++) {
            String next = htmlDecode(urlDecode(decoded));
            if (next.equals(decoded)) {
                break;
            }
            forms.add(next);
            decoded = next;
        }
        // Browsers ignore control characters inside a scheme or tag name ("java\tscript:").
        String squeezed = hasControlCharacter(decoded) ? CONTROL_CHARACTERS.matcher(decoded).replaceAll("") : decoded;
        if (!squeezed.equals(decoded)) {
            forms.add(squeezed);
        }
        String joined = withoutCommentsInsideWords(squeezed);
        if (joined != squeezed) {
            forms.add(joined);
        }
        return forms;
    }

    /**
     * The input with every block comment that splits a word removed ({@code UNI/**}{@code /ON SEL/**}{@code /ECT}
     * becomes {@code UNION SELECT}), or the same string when there is none (round 5). No database joins the two halves
     * — to SQL a comment separates tokens, so the split form is not itself valid SQL — but a payload is written that
     * way for an application or filter that deletes comments before the query is built; ordinary text does not put
     * a comment inside a word. A comment counts when a letter is right before {@code /*} and right after
     * {@code *}{@code /}; MySQL's executable comments ({@code /*!}) are left alone. One forward pass.
     */
    static String withoutCommentsInsideWords(String s) {
        int open = s.indexOf("/*");
        if (open < 0) {
            return s;
        }
        StringBuilder out = null;
        int copied = 0;
        while (open >= 0) {
            int close = s.indexOf("*/", open + 2);
            if (close < 0) {
                break;
            }
            int after = close + 2;
            if (open > 0 && Character.isLetter(s.charAt(open - 1)) && after < s.length()
                    && Character.isLetter(s.charAt(after)) && (open + 2 >= s.length() || s.charAt(open + 2) != '!')) {
                if (out == null) {
                    out = new StringBuilder(s.length());
                }
                out.append(s, copied, open);
                copied = after;
            }
            open = s.indexOf("/*", after);
        }
        if (out == null) {
            return s;
        }
        out.append(s, copied, s.length());
        return out.toString();
    }

    private static final Pattern PERCENT = Pattern.compile("%([0-9a-fA-F]{2})|%u([0-9a-fA-F]{4})");

    /** Lenient URL-decoding: valid escapes decoded, anything else (a literal %) kept; '+' is a space. */
    static String urlDecode(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        String plus = s.replace('+', ' ');
        Matcher m = PERCENT.matcher(plus);
        StringBuilder out = new StringBuilder(plus.length());
        List<Byte> pending = new ArrayList<>();
        int last = 0;
        while (m.find()) {
            if (m.start() != last) {
                flushBytes(pending, out);
                out.append(plus, last, m.start());
            }
            if (m.group(1) != null) {
                pending.add((byte) Integer.parseInt(m.group(1), 16));
            } else {
                flushBytes(pending, out);
                out.append((char) Integer.parseInt(m.group(2), 16));
            }
            last = m.end();
        }
        flushBytes(pending, out);
        out.append(plus, last, plus.length());
        return out.toString();
    }

    private static void flushBytes(List<Byte> pending, StringBuilder out) {
        if (pending.isEmpty()) {
            return;
        }
        byte[] bytes = new byte[pending.size()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = pending.get(i);
        }
        out.append(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
        pending.clear();
    }

    private static final Pattern ENTITY = Pattern.compile("&#(x[0-9a-fA-F]+|\\d+);?|&(lt|gt|quot|apos|amp|colon|lpar|rpar|tab|newline|sol|grave);"
            + "|\\\\u([0-9a-fA-F]{4})|\\\\x([0-9a-fA-F]{2})", Pattern.CASE_INSENSITIVE);

    /** Decodes HTML character references and JavaScript escapes, which browsers resolve before running script. */
    static String htmlDecode(String s) {
        if (s.indexOf('&') < 0 && s.indexOf('\\') < 0) {
            return s;
        }
        Matcher m = ENTITY.matcher(s);
        StringBuilder out = new StringBuilder(s.length());
        while (m.find()) {
            String replacement;
            if (m.group(1) != null) {
                String num = m.group(1);
                int code;
                try {
                    code = num.charAt(0) == 'x' || num.charAt(0) == 'X' ? Integer.parseInt(num.substring(1), 16)
                            : Integer.parseInt(num);
                } catch (NumberFormatException e) {
                    code = -1;
                }
                replacement = code >= 0 && code <= Character.MAX_CODE_POINT ? new String(Character.toChars(code)) : m.group();
            } else if (m.group(2) != null) {
                replacement = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                    case "lt" -> "<";
                    case "gt" -> ">";
                    case "quot" -> "\"";
                    case "apos" -> "'";
                    case "amp" -> "&";
                    case "colon" -> ":";
                    case "lpar" -> "(";
                    case "rpar" -> ")";
                    case "tab" -> "\t";
                    case "newline" -> "\n";
                    case "sol" -> "/";
                    case "grave" -> "`";
                    default -> m.group();
                };
            } else {
                String hex = m.group(3) != null ? m.group(3) : m.group(4);
                replacement = String.valueOf((char) Integer.parseInt(hex, 16));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
