package dev.telemetry.processor.security;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises SQL injection and XSS in request paths, query strings and reported inputs, without flagging
 * ordinary English. The seed's regexes flag any SQL keyword ("please select an option"), any {@code --} or
 * {@code ;} ("drop-down", "1 or 2 items; thanks"): here a SQL keyword only counts in SQL <em>syntax</em> — after
 * a quote that breaks out of a string, in a tautology with a comparison, in a {@code UNION SELECT}, a stacked
 * query, a SQL-only function call — and markup only counts as a tag, an event-handler attribute, a script URL
 * or a script sink. A match is then read in its context ({@link Context}) and dropped when it is prose that names
 * SQL or script ("JavaScript: The Good Parts", "an alert() pops up", "sleep(5) minutes", {@code "drop table" xkcd}).
 *
 * <p>Every input is checked as given and after URL-decoding (twice: payloads are often double-encoded) and
 * HTML-entity/escape decoding, since what reaches a page or a query is the decoded form. Thread-safe.
 * Measured on the public corpus in {@code docs/security-detection.md}.
 */
public final class InjectionDetector {

    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.DOTALL;

    /** A SQL operand: a number (maybe signed), a quoted string (maybe left open), an identifier, a call. */
    private static final String OPERAND = "[-!+~]*(\\d+(\\.\\d+)?|'[^']*'?|\"[^\"]*\"?|[a-z_][\\w.]*(\\([^)]*\\))?|\\(\\d+\\))";
    /** A SQL comparison, with its right-hand side. */
    private static final String COMPARISON = "(=|<>|!=|<=>|>=?|<=?|\\blike\\b|\\bis\\b|\\bin\\b|\\bregexp\\b|\\brlike\\b|\\bbetween\\b|\\^|-|\\bxor\\b|\\bdiv\\b)";

    /** XSS rules by name, tried in order. */
    private static final Map<String, Pattern> XSS = new LinkedHashMap<>();
    /** SQL injection rules by name, tried in order. */
    private static final Map<String, Pattern> SQLI = new LinkedHashMap<>();
    /**
     * Second looks at a rule's match, by rule name: a match only counts when its context is code rather than prose
     * (see {@link Context}). Rules without one count as matched.
     */
    private static final Map<String, Confirm> CONFIRM = new HashMap<>();

    /** Whether a match of a rule, in the string it was found in, is really code. */
    @FunctionalInterface
    interface Confirm {
        boolean test(String s, Matcher m);
    }

    static {
        XSS.put("script-tag", p("<\\s*/?\\s*script\\b"));
        // Tags that run script or load active content by themselves; plain markup (<a href>, <span>) is not
        // an attack, only what it carries (handlers, script URLs) is.
        XSS.put("active-tag", p("<\\s*(iframe|frame|frameset|object|embed|applet|svg|math|meta|link|base|style|xml|xss"
                + "|isindex|bgsound|layer|ilayer|animate|animatemotion|animatetransform|set|handler|listener|plaintext"
                + "|xmp|template|noscript|portal|foreignobject|feimage|discard|event-source|import|vmlframe|xsl"
                + "|[a-z]+:[a-z]+)(\\s|/|>|$)"));
        XSS.put("markup-declaration", p("<!(--|\\[cdata\\[|\\[endif|doctype|entity|attlist)|<\\?(xml|import)|<%"));
        XSS.put("event-handler-in-tag", p("<\\s*[a-z/][^>]*[\\s/\"'`]on[a-z]{3,}\\s*="));
        XSS.put("event-handler-breakout", p("[\"'`/]\\s*on[a-z]{3,}\\s*="));
        XSS.put("event-handler-code", p("(^|[^a-z0-9_])on[a-z]{3,}\\s*=\\s*['\"`]?[^'\"`\\s]{0,40}[(`]"));
        XSS.put("script-url", p("(java|vb|live|moc|ecma)script\\s*:\\s*[^\\s]"));
        XSS.put("data-url", p("data\\s*:\\s*(text/html|image/svg|application/(x-)?(javascript|xhtml)|[^,]{0,40};base64,)"));
        XSS.put("script-sink", p("(^|[^a-z0-9_])(alert|prompt|confirm|eval|settimeout|setinterval|fromcharcode|atob"
                + "|execscript|msgbox)\\s*(\\(|`|&#0*40;?|\\\\x28|\\\\u0028)"));
        XSS.put("script-sink-reference", p("[(=,\\[]\\s*(alert|prompt|confirm|eval)\\s*[),\\]]|\\btop\\s*\\[|\\bwindow\\s*\\["));
        XSS.put("dom-access", p("(document|window|top|self|parent|frames)\\s*(\\.|\\[\\s*['\"])\\s*(cookie|domain|write"
                + "|location|open|eval|alert|body|head|createelement|localstorage)"));
        XSS.put("css-script", p("expression\\s*(\\(|\\\\0*28)|-moz-binding|behavior\\s*:\\s*url|@import\\s*['\"u]"
                + "|url\\s*\\(\\s*['\"]?\\s*(java|vb)script"));
        XSS.put("active-attribute", p("<\\s*[a-z][a-z0-9:-]*\\s[^>]*\\b(srcdoc|formaction|xlink:href|attributename|dynsrc"
                + "|lowsrc|datasrc|datafld|dataformatas)\\s*="));
        XSS.put("utf7-markup", p("\\+adw-.*\\+ad4-"));

        SQLI.put("union-select", p("\\bunion\\b(\\s|/\\*.*?\\*/|\\(|\\+)*(all|distinct)?(\\s|/\\*.*?\\*/|\\(|\\+)*select\\b"));
        SQLI.put("numeric-union", p("(^|[^a-z])-?[\\d.]+\\s*\\)*\\s*union\\b\\s*(/\\*|#|--|$|[\\d(]|exec|all\\b|distinct\\b)"));
        // A quote that closes the string the input was put in, then SQL logic: ' or '1'='1, " or ""=", ') or (1=1.
        SQLI.put("quote-breakout-logic", p("['\"`]\\s*\\)*\\s*(\\bor\\b|\\band\\b|\\bxor\\b|\\|\\||&&|\\bhaving\\b|\\bwhere\\b)\\s*\\(*\\s*"
                + "(" + OPERAND + "\\s*\\)*\\s*" + COMPARISON + "|\\b(true|false|null|not|exists|sleep|select|benchmark|if|ascii"
                + "|substr\\w*|length|char|ord|pg_sleep|updatexml|extractvalue)\\b|" + OPERAND + "\\s*(--|#|/\\*|;)|['\"]\\w+$|\\d+\\s*$)"));
        SQLI.put("quote-breakout-statement", p("['\"`]\\s*\\)*\\s*;?\\s*(union\\s+(all\\s+|distinct\\s+)?select\\b"
                + "|select\\s+(\\*|@@|\\d|null\\b|\\w+\\()|insert\\s+into\\b|update\\s+\\w+\\s+set\\b|delete\\s+from\\b"
                + "|drop\\s+(table|database)\\s+[\\w\\[]|exec(ute)?\\s+[\\w@(]|declare\\s+@|waitfor\\s+delay|(order|group)\\s+by\\s+\\d"
                + "|procedure\\s+analyse|limit\\s+\\d|into\\s+(out|dump)file|(and|or)\\s*\\(\\s*(select|\\d|')|like\\s+\\d"
                + ")"));
        SQLI.put("quote-comment", p("(^|\\S)['\"`]\\)*\\s*(--(\\s|$|\\+|-)|#\\s*$|/\\*|;\\s*(--|#|%00))"));
        SQLI.put("quote-comparison", p("['\"]\\s*(\\|\\||!=|<>|=)\\s*['\"(]"));
        SQLI.put("tautology", p("\\b(or|and|xor|having)\\s+\\(*\\s*" + OPERAND + "\\)*(=|<>|!=|<=>|>=?|<=?)\\(*(\\d|'|\"|-)"
                + "|\\b(or|and|xor|having)\\s+\\(*\\s*" + OPERAND + "\\s*\\)*\\s*(=|<>|!=|<=>|>=?|<=?|\\blike\\b)\\s*\\(*\\s*"
                + OPERAND + "\\s*\\)*\\s*(--|#|/\\*|;)"));
        SQLI.put("boolean-literal", p("['\")]\\s*(or|and)\\s+(true|false|\\d+)\\s*(--|#|/\\*|;|$)|\\d\\s+(or|and)\\s+\\d+\\s*(--|#|/\\*)"));
        SQLI.put("stacked-query", p(";\\s*(select\\s+[\\w*@(]|insert\\s+into|update\\s+\\w+\\s+set|delete\\s+from|drop\\s+(table|database|schema|view|procedure|function|user|index|trigger|column|if)\\b"
                + "|drop\\s+[\\w`\\[\"]+\\s*(--|#|/\\*|;|$)"
                + "|create\\s+(table|user|database|procedure|function)|alter\\s+(table|user|database)|truncate\\s+table"
                + "|exec(ute)?\\s*[(@]|exec(ute)?\\s+(xp_|sp_|master)|declare\\s+@|shutdown\\b|waitfor\\b|if\\s*\\("
                + "|set\\s+@|grant\\s+\\w+\\s+on|load\\s+data|backup\\s+database)"));
        SQLI.put("ddl", p("(^|[;'\")])\\s*(drop|truncate)\\s+(table|database|schema|view|procedure|function|user)\\s+[\\w`\\[\"]+\\s*(;|--|#|/\\*|$)"));
        SQLI.put("dml", p("\\binsert\\s+into\\s+[\\w`\\[\"]+\\s*(\\(|values|select)|\\bdelete\\s+from\\s+[\\w`\\[\"]+\\s*(where\\b|;|--)"
                + "|\\bupdate\\s+[\\w`\\[\"]+\\s+set\\s+\\w+\\s*="));
        SQLI.put("select-expression", p("\\bselect\\b\\s*(\\*\\s*from|@@|(?<=\\s)@\\w+\\s*(\\W|$)|\\d+\\s*,|null\\b|\\w+\\(|\\(|top\\s+\\d|distinct\\b|count\\s*\\("
                + "|concat|char\\(|0x|case\\s+when|sleep|pg_sleep|benchmark|version\\b|user\\b|database\\b|current_user|session_user"
                + "|name\\s+from|\\w+\\s+from\\s+\\w+\\s+(limit|order)\\b|\\w+\\s+from\\s+[\\w.]+\\s*(--|#|;|\\)|$))"));
        SQLI.put("and-select", p("\\b(and|or)\\s+select\\s+(\\d|\\w+\\(|\\*|@@)"));
        SQLI.put("case-when", p("\\bcase\\s+when\\b.+\\bthen\\b|\\bcase\\b.{1,40}\\bwhen\\b.{1,40}\\bthen\\b.{1,40}\\b(end|else)\\b"));
        SQLI.put("logic-then-comment", p("^[\\s()\\d'\"]*\\b(or|and)\\b[\\s()\\d]*(\\b(or|and)\\b[\\s()\\d]*)*(--|#|/\\*)"));
        SQLI.put("select-from-system", p("\\bfrom\\s+(information_schema|mysql\\.|sys\\.|sysobjects|syscolumns|sysusers"
                + "|master\\.|master\\.\\.|pg_|all_tables|user_tables|dual\\b|msysobjects|sqlite_master)"));
        SQLI.put("sql-function", p("\\b(sleep|benchmark|pg_sleep|load_file|extractvalue|updatexml|group_concat|concat_ws|concat"
                + "|name_const|unhex|make_set|elt|exp|geometrycollection|polygon|multipoint|linestring|st_latfromgeohash"
                + "|dbms_\\w+|utl_\\w+|ctxsys\\.\\w+|xp_\\w+|sp_\\w+|randomblob|sqlite_version|load_extension|hex|ord|ascii"
                + "|mid|substr|substring|char|chr|nchar|cast|convert|version|database|user|current_user|system_user"
                + "|session_user|schema|count|length|len|if|iif|ifnull|isnull|nullif|coalesce|md5|sha1|rand|floor|lpad"
                + "|rpad|instr|locate|position|bin|oct|uuid|row_count|found_rows|charindex|db_name|host_name|suser_name"
                + "|object_id|is_srvrolemember|has_dbaccess|xmltype|to_char)"
                + "\\((\\s*\\)|\\s*[\\d'\"@(*]|\\s*[a-z_]+\\s*[,(]|\\s*[a-z_]+\\s*\\)\\s*(=|<|>|--|#|\\)|from|$))"));
        SQLI.put("spaced-sql-function", p("\\b(sleep|benchmark|pg_sleep|load_file|extractvalue|updatexml|group_concat|concat_ws"
                + "|name_const|utl_http|utl_inaddr|dbms_pipe|dbms_lock)\\s+\\("));
        SQLI.put("mssql-procedure", p("\\bxp_cmdshell\\b|\\bmaster\\.\\.\\w+|\\bexec(ute)?\\s+(master|xp_|sp_)\\w*|\\bexec(ute)?\\s*\\(\\s*@"
                + "|\\bbackup\\s+database\\s+\\w+\\s+to\\b|\\bopenrowset\\s*\\("));
        SQLI.put("time-delay", p("\\bwaitfor\\s+(delay|time)\\b|\\bdelay\\s+'\\d+:\\d+"));
        SQLI.put("system-variable", p("@@(version|datadir|hostname|basedir|servername|identity|spid|language|microsoftversion|\\w+)"));
        SQLI.put("file-access", p("\\binto\\s+(out|dump)file\\b|\\bload\\s+data\\s+(local\\s+)?infile\\b"));
        SQLI.put("order-by-probe", p("['\"`)\\d]\\s*\\b(order|group)\\s+by\\s+\\d+|\\b(order|group)\\s+by\\s+\\d+\\s*(--|#|/\\*|;)"
                + "|^\\s*\\)?\\s*(order|group)\\s+by\\s+\\d+\\s*$"));
        SQLI.put("select-from-where", p("\\bselect\\b.{1,80}?\\bfrom\\b.{1,80}?(\\blimit\\s+\\d|\\bwhere\\s+[\\w.]+\\s*(=|like\\b|in\\s*\\()"
                + "|\\border\\s+by\\s+\\w|\\bgroup\\s+by\\s+\\w|\\bfor\\s*xml\\b)"));
        SQLI.put("inline-comment-obfuscation", p("/\\*!\\d*|\\w/\\*.*?\\*/\\w|\\bor\\s*\\(\\s*\\d+\\s*\\)"));
        SQLI.put("numeric-comment", p("^\\s*-?[\\d.]+(\\s*[*+/-]\\s*[\\d.]+)*\\s*\\)*\\s*(--(\\s|$|\\+|-)|/\\*|#\\s*$)"));
        SQLI.put("numeric-breakout", p("^\\s*-?\\d+\\s*\\)*\\s*(\\bor\\b|\\band\\b|\\|\\||&&)\\s*\\(*\\s*" + OPERAND + "\\s*\\)*\\s*(=|<|>|\\blike\\b)\\s*\\(*\\s*[-\\d'\"]"));
        SQLI.put("subquery", p("(\\band\\b|\\bor\\b|=|\\()\\s*\\(\\s*select\\b"));
        CONFIRM.put("script-tag", Context::scriptTag);
        CONFIRM.put("active-tag", Context::activeTag);
        CONFIRM.put("markup-declaration", Context::markupDeclaration);
        CONFIRM.put("script-url", Context::scriptUrl);
        CONFIRM.put("script-sink", Context::scriptSink);
        CONFIRM.put("script-sink-reference", Context::sinkReference);
        CONFIRM.put("dom-access", Context::domAccess);
        CONFIRM.put("css-script", Context::cssScript);
        CONFIRM.put("union-select", Context::unionSelect);
        CONFIRM.put("stacked-query", Context::stackedQuery);
        for (String rule : List.of("dml", "select-expression", "select-from-where")) {
            CONFIRM.put(rule, Context::statement);
        }
        for (String rule : List.of("quote-breakout-logic", "quote-breakout-statement", "quote-comment", "quote-comparison",
                "boolean-literal")) {
            CONFIRM.put(rule, Context::quoteLed);
        }
        for (String rule : List.of("tautology", "numeric-breakout", "numeric-comment", "logic-then-comment",
                "inline-comment-obfuscation", "order-by-probe")) {
            CONFIRM.put(rule, Context::notProseAfter);
        }
        CONFIRM.put("sql-function", Context::sqlFunction);
        CONFIRM.put("spaced-sql-function", Context::sqlFunction);
        SQLI.put("hex-or-char-payload", p("\\b0x[0-9a-f]{6,}\\b.*(\\bselect\\b|\\bor\\b|\\band\\b|=|,)|\\bchar\\(\\d+\\)\\s*(\\+|\\|\\||,)"));
    }

    private static Pattern p(String regex) {
        return Pattern.compile(regex, FLAGS);
    }

    /** The verdict for one input; null or blank input is clean. */
    public Verdict inspect(String input) {
        if (input == null || input.isBlank()) {
            return Verdict.CLEAN;
        }
        for (String form : forms(input)) {
            Verdict verdict = inspectForm(form);
            if (verdict.attack()) {
                return verdict;
            }
        }
        return Verdict.CLEAN;
    }

    private static boolean matches(String rule, Pattern pattern, String s) {
        Matcher m = pattern.matcher(s);
        Confirm confirm = CONFIRM.get(rule);
        while (m.find()) {
            if (confirm == null || confirm.test(s, m)) {
                return true;
            }
        }
        return false;
    }

    private static Verdict inspectForm(String s) {
        for (Map.Entry<String, Pattern> rule : XSS.entrySet()) {
            if (matches(rule.getKey(), rule.getValue(), s)) {
                return Verdict.of(AttackClass.XSS, rule.getKey());
            }
        }
        String sql = normaliseSql(s);
        // Also without line comments: "1#junk\nAND#junk\n1=1" is "1 AND 1=1" to MySQL.
        String uncommented = LINE_COMMENT.matcher(sql.replace('\r', '\n')).replaceAll(" ");
        for (String form : uncommented.equals(sql) ? List.of(sql) : List.of(sql, uncommented)) {
            for (Map.Entry<String, Pattern> rule : SQLI.entrySet()) {
                if (matches(rule.getKey(), rule.getValue(), form)) {
                    return Verdict.of(AttackClass.SQLI, rule.getKey());
                }
            }
        }
        return Verdict.CLEAN;
    }

    private static final Pattern LINE_COMMENT = Pattern.compile("(#|--)[^\n]*\n");

    /** SQL with MySQL's whitespace substitutes made plain, so {@code union/**&#47;select} reads as {@code union select}. */
    private static String normaliseSql(String s) {
        String out = s.replace('\u00a0', ' ').replace('\t', ' ').replace('\u000b', ' ').replace('\f', ' ');
        out = out.replaceAll("/\\*\\*/", " ");
        return out;
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
        String squeezed = decoded.replaceAll("[\\x00-\\x08\\x09\\x0a\\x0b\\x0c\\x0d\\x0e-\\x1f]", "");
        if (!squeezed.equals(decoded)) {
            forms.add(squeezed);
        }
        return forms;
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
