package dev.telemetry.processor.security;

import java.util.Set;

/**
 * Finds script in an input the way a browser would read it: tags and their attributes, script URLs, calls of script
 * sinks from code, DOM access from code, CSS that runs script. Markup and words that a sentence merely names are
 * left alone: a tag counts only with attributes that run or load something (an event handler, a script or data URL,
 * {@code srcdoc}), an active tag ({@code <iframe>}, {@code <svg>}, ...) only with attributes or markup after it,
 * {@code <script>} only with attributes, a closing tag or code after it; {@code alert(1)} only when called from code
 * (after a quote, an operator, {@code ;}, {@code (}, at the start of the input), not after a word ("type alert(1) to
 * test"); {@code javascript:} only before JavaScript ({@code javascript:alert(1)}, not "JavaScript: The Good Parts").
 *
 * <p>Linear: the input is lower-cased once; every scan moves forward, and each look around a hit is bounded by a
 * constant. No regular expressions. Input must be lower case.
 */
final class XssScanner {

    private XssScanner() {
    }

    /** Tags that load active content: an attack with no attributes at all, before markup or at the end. */
    private static final Set<String> BARE_ACTIVE = Set.of("iframe", "frame", "frameset", "object", "embed", "applet",
            "svg", "math", "meta", "link", "base", "xml", "xss", "isindex", "bgsound", "layer", "ilayer", "portal",
            "vmlframe", "xsl", "import", "xmp");
    private static final Set<String> ACTIVE_ATTRIBUTES = Set.of("srcdoc", "formaction", "xlink:href", "dynsrc",
            "lowsrc", "datasrc", "datafld", "dataformatas", "attributename", "from", "to", "values", "by");
    private static final String[] SINKS = {"alert", "prompt", "confirm", "eval", "settimeout", "setinterval",
            "execscript", "msgbox", "fromcharcode", "atob", "write", "writeln", "import"};
    private static final String CODE_BEFORE = ";'\"`()[]{}=+-*/|&!:,<>?~%^.\\";

    /** The name of the rule that found script in {@code s} (lower case), or null. */
    static String scan(String s) {
        String hit = tags(s);
        if (hit == null) {
            hit = scriptUrls(s);
        }
        if (hit == null) {
            hit = handlersOutsideTags(s);
        }
        if (hit == null) {
            hit = sinks(s);
        }
        if (hit == null) {
            hit = other(s);
        }
        return hit;
    }

    // ------------------------------------------------------------------ tags

    private static String tags(String s) {
        int n = s.length();
        int lastScriptClose = s.lastIndexOf("</script");
        int i = s.indexOf('<');
        while (i >= 0 && i < n - 1) {
            int j = i + 1;
            boolean closing = s.charAt(j) == '/';
            if (closing) {
                j++;
            }
            int nameEnd = j;
            while (nameEnd < n && isNameChar(s.charAt(nameEnd))) {
                nameEnd++;
            }
            if (nameEnd == j || !Character.isLetter(s.charAt(j))) {
                i = s.indexOf('<', i + 1);
                continue;
            }
            String name = s.substring(j, Math.min(nameEnd, j + 20));
            if (closing) {
                if (name.equals("script")) {
                    return "script-tag";
                }
                i = s.indexOf('<', nameEnd);
                continue;
            }
            // Attributes, up to '>' or the next '<'.
            int k = nameEnd;
            int attributes = 0;
            boolean onlyType = true;
            boolean closed = false;
            while (k < n) {
                char c = s.charAt(k);
                if (c == '>') {
                    closed = true;
                    k++;
                    break;
                }
                if (c == '<') {
                    break;
                }
                if (Character.isWhitespace(c) || c == '/' || c == '"' || c == '\'') {
                    k++;
                    continue;
                }
                int an = k;
                while (k < n && !Character.isWhitespace(s.charAt(k)) && "/>=<".indexOf(s.charAt(k)) < 0) {
                    k++;
                }
                String attr = s.substring(an, Math.min(k, an + 30));
                int v = k;
                while (v < n && Character.isWhitespace(s.charAt(v))) {
                    v++;
                }
                String value = null;
                if (v < n && s.charAt(v) == '=') {
                    v++;
                    while (v < n && Character.isWhitespace(s.charAt(v))) {
                        v++;
                    }
                    int vs = v;
                    if (v < n && (s.charAt(v) == '"' || s.charAt(v) == '\'' || s.charAt(v) == '`')) {
                        char q = s.charAt(v);
                        int close = s.indexOf(q, v + 1);
                        vs = v + 1;
                        v = close < 0 ? n : close + 1;
                        value = s.substring(vs, Math.min(close < 0 ? n : close, vs + 80));
                    } else {
                        while (v < n && !Character.isWhitespace(s.charAt(v)) && s.charAt(v) != '>') {
                            v++;
                        }
                        value = s.substring(vs, Math.min(v, vs + 80));
                    }
                    k = v;
                }
                attributes++;
                if (!attr.equals("type")) {
                    onlyType = false;
                }
                if (value != null) {
                    if (attr.startsWith("on") && attr.length() >= 5 && allLetters(attr)) {
                        return "event-handler-in-tag";
                    }
                    if (ACTIVE_ATTRIBUTES.contains(attr) && (attr.length() > 4 || isScriptUrl(value, 0))) {
                        return "active-attribute";
                    }
                    if (isScriptUrl(value, 0) || isDataUrl(value, 0)) {
                        return "script-url-in-tag";
                    }
                    if (attr.equals("style") && value.contains("expression")) {
                        return "css-script";
                    }
                }
            }
            if (name.equals("script")) {
                // "Moving the <script src="app.js"> tag to the bottom ...": an opened tag before prose, never closed.
                boolean beforeProse = closed && lastScriptClose < i && Prose.proseWords(s, k, Math.min(n, k + 48)) >= 3;
                if (!onlyType && attributes > 0 && !beforeProse || !closed || lastScriptClose > i || looksLikeCode(s, k)) {
                    return "script-tag";
                }
            } else if (BARE_ACTIVE.contains(name) || name.indexOf(':') > 0 && !isAutolink(s, name, nameEnd)) {
                int next = skipSpace(s, k);
                if (attributes > 0 || !closed || next >= n || s.charAt(next) == '<') {
                    return "active-tag";
                }
            } else if (name.equals("style") && closed && looksLikeCss(s, k)) {
                return "active-tag";
            }
            i = k < n && s.charAt(k) == '<' ? k : s.indexOf('<', Math.max(k, i + 1));
        }
        return null;
    }

    /** A markdown autolink, {@code <https://example.com/...>}: a URL scheme and "//", not a namespaced tag. */
    private static boolean isAutolink(String s, String name, int nameEnd) {
        return (name.equals("http:") || name.equals("https:") || name.equals("ftp:")) && s.startsWith("//", nameEnd);
    }

    private static boolean looksLikeCss(String s, int k) {
        int e = Math.min(s.length(), k + 80);
        String t = s.substring(k, e);
        return t.contains("@import") || t.contains("expression") || t.contains("url(") || t.contains("binding");
    }

    /** JavaScript at {@code k}: a quote, bracket, operator, or an identifier followed by a call, member or assignment. */
    static boolean looksLikeCode(String s, int k) {
        int n = s.length();
        k = skipSpace(s, k);
        if (k >= n) {
            return false;
        }
        char c = s.charAt(k);
        if ("'\"`([{!+-~;</".indexOf(c) >= 0) {
            return true;
        }
        if (!SqlTokenizer.isWordStart(c)) {
            return false;
        }
        int e = k;
        while (e < n && e < k + 64 && (SqlTokenizer.isWordPart(s.charAt(e)))) {
            e++;
        }
        if (e >= n) {
            return false;
        }
        char after = s.charAt(e);
        return after == '(' || after == '`' || after == '.' && e + 1 < n && SqlTokenizer.isWordStart(s.charAt(e + 1))
                || after == '[' || after == '=' || after == ';';
    }

    // ------------------------------------------------------------------ URLs

    private static String scriptUrls(String s) {
        int i = s.indexOf("script");
        while (i >= 0) {
            if (endsWithAt(s, i, "java") || endsWithAt(s, i, "vb") || endsWithAt(s, i, "live") || endsWithAt(s, i, "ecma")
                    || endsWithAt(s, i, "moc")) {
                int k = skipSpace(s, i + 6);
                if (k < s.length() && s.charAt(k) == ':') {
                    if (jsAfterColon(s, k + 1)) {
                        return "script-url";
                    }
                }
            }
            i = s.indexOf("script", i + 6);
        }
        int d = s.indexOf("data");
        while (d >= 0) {
            if ((d == 0 || !SqlTokenizer.isWordPart(s.charAt(d - 1))) && isDataUrl(s, d)) {
                return "data-url";
            }
            d = s.indexOf("data", d + 4);
        }
        return null;
    }

    private static boolean endsWithAt(String s, int i, String prefix) {
        return i >= prefix.length() && s.startsWith(prefix, i - prefix.length());
    }

    /** {@code s} at {@code from} (skipping spaces and a quote) is a javascript:/vbscript: URL before code. */
    static boolean isScriptUrl(String s, int from) {
        int k = Math.max(0, from);
        k = skipSpace(s, k);
        for (String scheme : new String[] {"javascript", "vbscript", "livescript", "ecmascript", "mocscript"}) {
            int idx = k;
            if (s.startsWith(scheme, idx)) {
                int c = skipSpace(s, idx + scheme.length());
                if (c < s.length() && s.charAt(c) == ':') {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean jsAfterColon(String s, int k) {
        int n = s.length();
        if (k >= n) {
            return false;
        }
        int j = skipSpace(s, k);
        if (j >= n || isVoidNoop(s, j)) {
            return false;
        }
        char c = s.charAt(j);
        if (c == '/' && j + 1 < n && (s.charAt(j + 1) == '/' || s.charAt(j + 1) == '*')) {
            return true;
        }
        if (j > k && Character.isLetter(c)) {
            // "JavaScript: The Good Parts": a space, then a word and a space, is a title.
            return looksLikeCode(s, j);
        }
        return looksLikeCode(s, j) || c == '%' || c == '&' || c == '\\';
    }

    /**
     * {@code void(0)}, {@code void 0} or {@code void(0);} and then the end, a quote, a space or {@code >}: the idiomatic
     * no-op link ({@code href="javascript:void(0)"}), which runs nothing (round 5). {@code javascript:void(0);alert(1)}
     * goes on with code and is not a no-op.
     */
    private static boolean isVoidNoop(String s, int j) {
        int e;
        if (s.startsWith("void(0)", j)) {
            e = j + 7;
        } else if (s.startsWith("void 0", j)) {
            e = j + 6;
        } else {
            return false;
        }
        if (e < s.length() && s.charAt(e) == ';') {
            e++;
        }
        return e >= s.length() || "\"' \t>".indexOf(s.charAt(e)) >= 0;
    }

    private static boolean isDataUrl(String s, int d) {
        if (!s.startsWith("data", d)) {
            return false;
        }
        int k = skipSpace(s, d + 4);
        if (k >= s.length() || s.charAt(k) != ':') {
            return false;
        }
        k = skipSpace(s, k + 1);
        if (s.startsWith("text/html", k) || s.startsWith("image/svg", k) || s.startsWith("application/x-javascript", k)
                || s.startsWith("application/javascript", k) || s.startsWith("application/xhtml", k)
                || s.startsWith("text/javascript", k)) {
            return true;
        }
        // ";base64," within the media type (bounded look-ahead, so "data:data:data:..." stays linear).
        String head = s.substring(k, Math.min(s.length(), k + 48));
        int b64 = head.indexOf(";base64");
        int comma = head.indexOf(',');
        return b64 >= 0 && (comma < 0 || comma > b64);
    }

    // ------------------------------------------------------------------ handlers, sinks

    private static String handlersOutsideTags(String s) {
        int n = s.length();
        int i = s.indexOf("on");
        while (i >= 0) {
            if (i == 0 || !Character.isLetterOrDigit(s.charAt(i - 1)) && s.charAt(i - 1) != '_') {
                int e = i + 2;
                while (e < n && e < i + 40 && s.charAt(e) >= 'a' && s.charAt(e) <= 'z') {
                    e++;
                }
                int eq = skipSpace(s, e);
                if (e - i >= 5 && eq < n && s.charAt(eq) == '=') {
                    int p = i - 1;
                    while (p >= 0 && p > i - 20 && (Character.isWhitespace(s.charAt(p)) || s.charAt(p) == '/')) {
                        p--;
                    }
                    if (p >= 0 && (s.charAt(p) == '"' || s.charAt(p) == '\'' || s.charAt(p) == '`') || p >= 0 && p < i - 1
                            && s.charAt(i - 1) == '/') {
                        return "event-handler-breakout";
                    }
                    int v = skipSpace(s, eq + 1);
                    if (v < n && (s.charAt(v) == '"' || s.charAt(v) == '\'')) {
                        v++;
                    }
                    int w = v;
                    while (w < n && w < v + 40 && (SqlTokenizer.isWordPart(s.charAt(w)) || s.charAt(w) == '.')) {
                        w++;
                    }
                    if (w > v && w < n && (s.charAt(w) == '(' || s.charAt(w) == '`') && w + 1 < n && s.charAt(w + 1) != ')') {
                        return "event-handler-code";
                    }
                }
            }
            i = s.indexOf("on", i + 2);
        }
        return null;
    }

    private static String sinks(String s) {
        int n = s.length();
        for (String sink : SINKS) {
            int i = s.indexOf(sink);
            while (i >= 0) {
                int end = i + sink.length();
                if ((i == 0 || !SqlTokenizer.isWordPart(s.charAt(i - 1))) && (end >= n || !SqlTokenizer.isWordPart(s.charAt(end)))) {
                    int k = skipSpace(s, end);
                    char open = k < n ? s.charAt(k) : 0;
                    int p = i - 1;
                    while (p >= 0 && p > i - 20 && Character.isWhitespace(s.charAt(p))) {
                        p--;
                    }
                    char before = p >= 0 ? s.charAt(p) : 0;
                    boolean fromCode = before == 0 || CODE_BEFORE.indexOf(before) >= 0;
                    boolean weakSink = sink.equals("write") || sink.equals("writeln") || sink.equals("import")
                            || sink.equals("atob") || sink.equals("fromcharcode");
                    if ((open == '(' || open == '`') && k + 1 < n && s.charAt(k + 1) != ')') {
                        if (weakSink ? before == '.' && hasCodeAround(s, p, k) || sink.equals("fromcharcode") && before == '.'
                                : fromCode && (before != 0 || callEndsInCode(s, k))) {
                            return "script-sink";
                        }
                    } else if (!weakSink && (before == '(' || before == '=' || before == ',' || before == '[')
                            && (open == ')' || open == ',' || open == ']')) {
                        return "script-sink-reference";
                    }
                }
                i = s.indexOf(sink, end);
            }
        }
        return null;
    }

    /** {@code document.write(...)} with code before: {@code ;document.write(}, not "don't use document.write(". */
    private static boolean hasCodeAround(String s, int dot, int open) {
        int w = dot - 1;
        while (w >= 0 && dot - w < 30 && SqlTokenizer.isWordPart(s.charAt(w))) {
            w--;
        }
        int p = w;
        while (p >= 0 && w - p < 10 && Character.isWhitespace(s.charAt(p))) {
            p--;
        }
        return p < 0 ? callEndsInCode(s, open) : CODE_BEFORE.indexOf(s.charAt(p)) >= 0 && s.charAt(p) != '.';
    }

    /** A call at the very start of the input is code when it ends the input or code follows it: {@code alert(1)//}. */
    private static boolean callEndsInCode(String s, int open) {
        int n = s.length();
        int depth = 0;
        int j = open;
        for (; j < n && j < open + 200; j++) {
            char c = s.charAt(j);
            if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                break;
            }
        }
        if (j >= n || j >= open + 200) {
            return j >= n;
        }
        int k = skipSpace(s, j + 1);
        return k >= n || ";/)<>'\"".indexOf(s.charAt(k)) >= 0;
    }

    private static String other(String s) {
        int n = s.length();
        for (String obj : new String[] {"document", "window", "top", "self", "parent", "frames", "this"}) {
            int i = s.indexOf(obj);
            while (i >= 0) {
                int end = i + obj.length();
                if ((i == 0 || !SqlTokenizer.isWordPart(s.charAt(i - 1))) && end < n) {
                    char c = s.charAt(end);
                    if (c == '[' && end + 1 < n && "'\"`".indexOf(s.charAt(end + 1)) >= 0) {
                        return "dom-access";
                    }
                    if (c == '.' && obj.equals("document")) {
                        int p = i - 1;
                        while (p >= 0 && p > i - 10 && Character.isWhitespace(s.charAt(p))) {
                            p--;
                        }
                        if (p >= 0 && CODE_BEFORE.indexOf(s.charAt(p)) >= 0 && s.charAt(p) != '.'
                                && (s.startsWith("cookie", end + 1) || s.startsWith("domain", end + 1)
                                || s.startsWith("location", end + 1))) {
                            return "dom-access";
                        }
                    }
                }
                i = s.indexOf(obj, end);
            }
        }
        int e = s.indexOf("expression");
        while (e >= 0) {
            int k = skipSpace(s, e + 10);
            int p = e - 1;
            while (p >= 0 && p > e - 10 && Character.isWhitespace(s.charAt(p))) {
                p--;
            }
            if (k < n && s.charAt(k) == '(' && p >= 0 && (s.charAt(p) == ':' || s.charAt(p) == '=')) {
                return "css-script";
            }
            e = s.indexOf("expression", e + 10);
        }
        if (s.contains("-moz-binding") || s.contains("behavior:url") || s.contains("behavior: url")) {
            return "css-script";
        }
        int adw = s.indexOf("+adw-");
        if (adw >= 0 && s.indexOf("+ad4-", adw) > 0) {
            return "utf7-markup";
        }
        return null;
    }

    private static boolean isNameChar(char c) {
        return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == ':' || c == '-' || c == '_';
    }

    private static boolean allLetters(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < 'a' || s.charAt(i) > 'z') {
                return false;
            }
        }
        return true;
    }

    static int skipSpace(String s, int k) {
        while (k < s.length() && Character.isWhitespace(s.charAt(k))) {
            k++;
        }
        return k;
    }
}
