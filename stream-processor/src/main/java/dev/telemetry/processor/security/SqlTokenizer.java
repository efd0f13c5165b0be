package dev.telemetry.processor.security;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A libinjection-style SQL tokenizer: reads the start of an input as SQL and folds it into a <em>fingerprint</em>,
 * one character per token, at most {@link #MAX_TOKENS} tokens. Token types:
 * <pre>
 *   s string    1 number    n bareword   v variable (@x, @@x)   f function (a word before "(")
 *   k keyword   E statement (select, insert, drop, exec, ...)   U union (all/distinct folded in)
 *   B clause (order by, group by, limit, having, into, procedure)   T transact-SQL (waitfor, declare, shutdown)
 *   &amp; logic (and, or, xor, &amp;&amp;, ||)   o operator (= &lt; &gt; + - * / like is in between ...)
 *   c comment   ( ) , ; .   X anything else
 * </pre>
 * The input is read in three contexts, as libinjection does: as given, and as if it had been put inside a
 * single-quoted or a double-quoted string (the first token is then the string the input closes). A detector flags the
 * input when one of the fingerprints is one that SQL injections have and ordinary text does not
 * ({@link InjectionDetector}). Prose starts with barewords ({@code nnnnn}); an injection starts with a value and then
 * logic, a statement or a comment ({@code s&1o1}, {@code 1UE}, {@code sc}).
 *
 * <p>Linear: the scan stops after {@link #MAX_TOKENS} tokens, and each character is looked at a bounded number of
 * times (strings and comments are read to their end once). No regular expressions.
 */
final class SqlTokenizer {

    /** Tokens in a fingerprint; the detector reads its first {@link #SHORT} first and the rest only when they are ambiguous. */
    static final int MAX_TOKENS = 8;
    /** Tokens in a short fingerprint. */
    static final int SHORT = 5;
    /** Contexts: as given, inside '...', inside "...". */
    static final char[] CONTEXTS = {0, '\'', '"'};

    private static final Map<String, Character> WORDS = Map.ofEntries(
            Map.entry("select", 'E'), Map.entry("insert", 'E'), Map.entry("update", 'E'), Map.entry("delete", 'E'),
            Map.entry("drop", 'E'), Map.entry("create", 'E'), Map.entry("alter", 'E'), Map.entry("truncate", 'E'),
            Map.entry("exec", 'E'), Map.entry("execute", 'E'), Map.entry("replace", 'E'), Map.entry("grant", 'E'),
            Map.entry("revoke", 'E'), Map.entry("merge", 'E'), Map.entry("call", 'E'), Map.entry("load", 'E'),
            Map.entry("backup", 'E'), Map.entry("rename", 'E'), Map.entry("handler", 'E'),
            Map.entry("waitfor", 'T'), Map.entry("declare", 'T'), Map.entry("shutdown", 'T'), Map.entry("print", 'T'),
            Map.entry("union", 'U'), Map.entry("intersect", 'U'), Map.entry("except", 'U'), Map.entry("minus", 'U'),
            Map.entry("and", '&'), Map.entry("or", '&'), Map.entry("xor", '&'),
            Map.entry("like", 'o'), Map.entry("rlike", 'o'), Map.entry("regexp", 'o'), Map.entry("is", 'o'),
            Map.entry("in", 'o'), Map.entry("between", 'o'), Map.entry("div", 'o'), Map.entry("mod", 'o'),
            Map.entry("not", 'o'), Map.entry("sounds", 'o'), Map.entry("collate", 'o'),
            Map.entry("limit", 'B'), Map.entry("having", 'B'), Map.entry("into", 'B'), Map.entry("procedure", 'B'),
            Map.entry("offset", 'B'),
            Map.entry("from", 'k'), Map.entry("where", 'k'), Map.entry("as", 'k'), Map.entry("null", 'k'),
            Map.entry("true", 'k'), Map.entry("false", 'k'), Map.entry("all", 'k'), Map.entry("distinct", 'k'),
            Map.entry("top", 'k'), Map.entry("case", 'k'), Map.entry("when", 'k'), Map.entry("then", 'k'),
            Map.entry("else", 'k'), Map.entry("end", 'k'), Map.entry("exists", 'k'), Map.entry("table", 'k'),
            Map.entry("database", 'k'), Map.entry("schema", 'k'), Map.entry("values", 'k'), Map.entry("set", 'k'),
            Map.entry("join", 'k'), Map.entry("if", 'k'), Map.entry("begin", 'k'), Map.entry("asc", 'k'),
            Map.entry("desc", 'k'), Map.entry("by", 'k'), Map.entry("on", 'k'), Map.entry("using", 'k'),
            Map.entry("escape", 'k'), Map.entry("rownum", 'k'), Map.entry("dual", 'k'), Map.entry("outfile", 'k'),
            Map.entry("dumpfile", 'k'), Map.entry("delay", 'k'));

    /** SQL functions that may be called with a space before the parenthesis ({@code sleep (5)}). */
    private static final Set<String> SPACED_FUNCTIONS = Set.of("sleep", "benchmark", "pg_sleep", "char", "chr",
            "concat", "ascii", "substring", "substr", "count", "cast", "convert", "if", "version", "database", "user",
            "load_file", "extractvalue", "updatexml", "group_concat", "md5", "hex", "unhex", "mid", "ord", "exists");

    /** SQL functions: a word before "(" is a function call ('f') only when SQL has it, else it is a bareword. */
    private static final Set<String> FUNCTIONS = Set.of("sleep", "benchmark", "pg_sleep", "char", "chr", "nchar",
            "concat", "concat_ws", "group_concat", "ascii", "substring", "substr", "mid", "left", "right", "count",
            "cast", "convert", "if", "iif", "ifnull", "isnull", "nullif", "coalesce", "version", "database", "user",
            "current_user", "system_user", "session_user", "schema", "load_file", "extractvalue", "updatexml", "md5",
            "sha1", "hex", "unhex", "ord", "exists", "length", "len", "rand", "floor", "lpad", "rpad", "instr",
            "locate", "position", "bin", "oct", "uuid", "row_count", "found_rows", "charindex", "db_name", "host_name",
            "suser_name", "object_id", "is_srvrolemember", "has_dbaccess", "xmltype", "to_char", "name_const", "elt",
            "make_set", "exp", "geometrycollection", "polygon", "multipoint", "linestring", "randomblob",
            "sqlite_version", "load_extension", "aes_encrypt", "aes_decrypt", "compress", "uncompress", "space",
            "lower", "upper", "trim", "reverse", "replace", "quote", "soundex", "cot", "bit_length", "char_length",
            "utl_inaddr", "utl_http", "ctxsys", "dbms_pipe", "dbms_lock", "openrowset", "opendatasource", "xp_cmdshell",
            "waitfor", "delay", "sys_context", "current_database", "pg_read_file", "to_number", "decode", "nvl",
            "row", "json_keys", "gtid_subset", "st_latfromgeohash", "procedure", "analyse", "values", "in", "select",
            "union", "and", "or", "not", "table", "stuff", "str", "unicode", "quotename", "dbms_xmlgen", "rawtohex",
            "instrb", "username", "password", "information_schema", "max", "min", "sum", "avg", "abs", "round");

    private SqlTokenizer() {
    }

    /** The fingerprint of {@code s} read in {@code context} (0, ' or "). */
    static String fingerprint(String s, char context) {
        return new Scan(s.toLowerCase(Locale.ROOT), context).run();
    }

    /**
     * A reading of an input: its fingerprint and where each token starts and ends in the (lower-case) input, so that
     * grammar rules ({@link SqlGrammar}) can tell {@code =} from {@code +}, {@code ||} from {@code or}, or
     * {@code true} from {@code null}, without changing the fingerprint alphabet the learnt list is written in.
     */
    record Tokens(String lower, char context, String fingerprint, int[] starts, int[] ends) {

        char type(int k) {
            return k < fingerprint.length() ? fingerprint.charAt(k) : 0;
        }

        String text(int k) {
            return k < fingerprint.length() ? lower.substring(starts[k], Math.min(ends[k], starts[k] + 16)) : "";
        }
    }

    /** The reading of {@code lower} (already lower case) in {@code context}, with token spans. */
    static Tokens tokens(String lower, char context) {
        Scan scan = new Scan(lower, context);
        String fingerprint = scan.run();
        return new Tokens(lower, context, fingerprint, scan.starts, scan.ends);
    }

    private static final class Scan {
        private final String s;
        private final int n;
        private int i;
        private final StringBuilder out = new StringBuilder(MAX_TOKENS);
        /** Start and end of each token in {@code s}. */
        final int[] starts = new int[MAX_TOKENS];
        final int[] ends = new int[MAX_TOKENS];
        private int tokenStart;

        Scan(String s, char context) {
            this.s = s;
            this.n = s.length();
            if (context != 0) {
                // The input was put inside a string: its first token is the rest of that string.
                int close = s.indexOf(context);
                if (close < 0) {
                    i = n;
                    out.append('s');
                } else {
                    i = close + 1;
                    out.append('s');
                }
                ends[0] = i;
            }
        }

        String run() {
            while (out.length() < MAX_TOKENS && i < n) {
                char c = s.charAt(i);
                tokenStart = i;
                if (Character.isWhitespace(c) || c == '\u00a0') {
                    i++;
                } else if (c == '\'' || c == '"') {
                    string(c);
                } else if (c == '`') {
                    quotedName('`');
                } else if (c == '[' && i + 1 < n && (Character.isLetter(s.charAt(i + 1)) || s.charAt(i + 1) == '_')) {
                    quotedName(']');
                } else if (c >= '0' && c <= '9' || c == '.' && i + 1 < n && isDigit(s.charAt(i + 1))) {
                    number();
                } else if (isWordStart(c)) {
                    word();
                } else if (c == '@') {
                    int j = i + 1;
                    while (j < n && s.charAt(j) == '@') {
                        j++;
                    }
                    j = wordEnd(j);
                    i = j;
                    emit('v');
                } else if (c == '#' && i + 1 < n && Character.isLetterOrDigit(s.charAt(i + 1))
                        && XssScanner.skipSpace(s, s.indexOf(' ', i) < 0 ? n : s.indexOf(' ', i)) < n) {
                    i++; // "#2 circular needle", "#sale today": a number sign or hashtag before more words
                    emit('X');
                } else if (c == '#') {
                    lineComment();
                } else if (c == '-' && i + 1 < n && s.charAt(i + 1) == '-') {
                    lineComment();
                } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                    blockComment();
                } else if (c == '*' && i + 1 < n && s.charAt(i + 1) == '/') {
                    i += 2; // the end of a MySQL /*! ... */ whose start was read as code
                } else if (c == '(' || c == ')' || c == ',' || c == ';' || c == '.') {
                    i++;
                    emit(c);
                } else if (c == '&' && i + 1 < n && s.charAt(i + 1) == '&' || c == '|' && i + 1 < n && s.charAt(i + 1) == '|') {
                    i += 2;
                    emit('&');
                } else if ("=<>!+-*/%^|&~:".indexOf(c) >= 0) {
                    operator();
                } else {
                    i++;
                    emit('X');
                }
            }
            return out.toString();
        }

        private void emit(char type) {
            int len = out.length();
            char prev = len == 0 ? 0 : out.charAt(len - 1);
            if (type == 'c' && prev == 'c') {
                return;
            }
            // A unary sign or negation after an operator, logic, "(" or at the start folds into its operand.
            if (type == 'o' && unarySign && (len == 0 || prev == 'o' || prev == '&' || prev == '(' || prev == ',')) {
                return;
            }
            starts[len] = tokenStart;
            ends[len] = i;
            out.append(type);
        }

        private boolean unarySign;

        private void operator() {
            char c = s.charAt(i);
            int j = i + 1;
            while (j < n && j < i + 3 && "=<>!|&".indexOf(s.charAt(j)) >= 0) {
                j++;
            }
            unarySign = j == i + 1 && (c == '-' || c == '+' || c == '!' || c == '~');
            i = j;
            emit('o');
            unarySign = false;
        }

        private void string(char quote) {
            int j = i + 1;
            while (j < n) {
                char c = s.charAt(j);
                if (c == '\\') {
                    j += 2;
                    continue;
                }
                if (c == quote) {
                    if (j + 1 < n && s.charAt(j + 1) == quote) {
                        j += 2;
                        continue;
                    }
                    j++;
                    break;
                }
                j++;
            }
            i = Math.min(j, n);
            emit('s');
        }

        private void quotedName(char close) {
            int j = s.indexOf(close, i + 1);
            i = j < 0 ? n : j + 1;
            emit('n');
        }

        private void number() {
            int j = i;
            if (s.startsWith("0x", j)) {
                j += 2;
                while (j < n && Character.digit(s.charAt(j), 16) >= 0) {
                    j++;
                }
            } else {
                while (j < n && (isDigit(s.charAt(j)) || s.charAt(j) == '.')) {
                    j++;
                }
                if (j < n && s.charAt(j) == 'e' && j + 1 < n && isDigit(s.charAt(j + 1))) {
                    j++;
                    while (j < n && isDigit(s.charAt(j))) {
                        j++;
                    }
                }
            }
            // "1abc" is a bareword to SQL readers of prose ("1st", "2nd", "3x"); MySQL reads it as 1 then abc.
            if (j < n && isWordPart(s.charAt(j))) {
                i = wordEnd(j);
                emit('n');
                return;
            }
            i = j;
            emit('1');
        }

        private void word() {
            int start = i;
            int j = wordEnd(i);
            String w = s.substring(start, j);
            i = j;
            int k = skipSpace(j);
            char next = k < n ? s.charAt(k) : 0;
            boolean sqlFunction = FUNCTIONS.contains(w) || w.startsWith("xp_") || w.startsWith("sp_")
                    || w.startsWith("dbms_") || w.startsWith("utl_") || w.startsWith("pg_") || w.startsWith("sys");
            if (j < n && s.charAt(j) == '.' && isPackage(w)) {
                // dbms_pipe.receive_message(, utl_inaddr.get_host_name(, ctxsys.drithsx.sn(: a call into a package.
                int e = j;
                for (int parts = 0; parts < 3 && e < n && s.charAt(e) == '.' && e + 1 < n && isWordStart(s.charAt(e + 1)); parts++) {
                    e = wordEnd(e + 1);
                }
                int paren = skipSpace(e);
                if (e > j && paren < n && s.charAt(paren) == '(') {
                    i = e;
                    emit('f');
                    return;
                }
            }
            if ((w.equals("like") || w.equals("glob")) && j < n && s.charAt(j) == '(' && operandExpected()) {
                emit('f'); // SQLite's like(X, Y) / glob(X, Y) where a value is expected: "123=like('abc',...)"
                return;
            }
            if (sqlFunction && (j < n && s.charAt(j) == '(' || next == '(' && SPACED_FUNCTIONS.contains(w))) {
                Character kw = WORDS.get(w);
                // Statement keywords and logic stay themselves before "(": "select(", "and(".
                if (kw != null && (kw == 'E' || kw == '&' || kw == 'U' || kw == 'o' || kw == 'T' || kw == 'B')) {
                    emit(kw);
                } else {
                    emit('f');
                }
                return;
            }
            if (w.startsWith("n") && w.length() == 1 && j < n && s.charAt(j) == '\'') {
                string('\''); // N'unicode'
                return;
            }
            Character type = WORDS.get(w);
            if (type == null && isStatementInContext(w, k)) {
                type = 'E';
            }
            if (type == null) {
                // Remember where the word starts: "order" / "group" followed by "by" fold into one clause token
                // (round 5: before, the start was only kept for keywords, so "order by" was never folded).
                lastWordStart = start;
                emit('n');
                return;
            }
            if (type == 'U') {
                // union all / union distinct
                String after = wordAt(k);
                if (after.equals("all") || after.equals("distinct")) {
                    i = k + after.length();
                }
            } else if (w.equals("order") || w.equals("group")) {
                type = 'n';
            } else if (type == 'o' && w.equals("not")) {
                String after = wordAt(k);
                if (WORDS.get(after) != null && WORDS.get(after) == 'o') {
                    i = k + after.length();
                }
            }
            if (w.equals("by") && out.length() > 0 && out.charAt(out.length() - 1) == 'n'
                    && (s.regionMatches(lastWordStart, "order", 0, 5) || s.regionMatches(lastWordStart, "group", 0, 5))) {
                out.setCharAt(out.length() - 1, 'B');
                ends[out.length() - 1] = i;
                lastWordStart = start;
                return;
            }
            lastWordStart = start;
            emit(type);
        }

        private int lastWordStart = -1;

        /** The previous token leaves an operand to come: an operator, logic, "(", "," or the start. */
        private boolean operandExpected() {
            int len = out.length();
            char prev = len == 0 ? 0 : out.charAt(len - 1);
            return prev == 0 || prev == 'o' || prev == '&' || prev == '(' || prev == ',';
        }

        /**
         * PostgreSQL's and SQLite's statements whose words are also English, read as a statement ('E') only where
         * what follows them is that statement's syntax (bounded look-ahead from {@code k}, the first non-space after
         * the word): {@code copy (}, {@code copy <name> to|from program|stdout|stdin|'...'}; {@code attach database},
         * {@code attach '<file>'}; {@code pragma <name>} then {@code = ( ;} or the end. "Please attach the file",
         * "copy files to the server" stay words.
         */
        private boolean isStatementInContext(String w, int k) {
            switch (w) {
                case "copy": {
                    if (k < n && s.charAt(k) == '(') {
                        return true;
                    }
                    int e = wordEnd(k);
                    if (e == k) {
                        return false;
                    }
                    int d = skipSpace(e);
                    String dir = wordAt(d);
                    if (!dir.equals("to") && !dir.equals("from")) {
                        return false;
                    }
                    int a = skipSpace(d + dir.length());
                    String arg = wordAt(a);
                    return arg.equals("program") || arg.equals("stdout") || arg.equals("stdin")
                            || a < n && s.charAt(a) == '\'' && a > d + dir.length();
                }
                case "attach":
                    return wordAt(k).equals("database") || k < n && s.charAt(k) == '\'' && k > i;
                case "pragma": {
                    int e = wordEnd(k);
                    if (e == k) {
                        return false;
                    }
                    while (e < n && s.charAt(e) == '.' && e - k < 64) {
                        e = wordEnd(e + 1);
                    }
                    int after = skipSpace(e);
                    return after >= n || "=(;".indexOf(s.charAt(after)) >= 0;
                }
                default:
                    return false;
            }
        }

        @Override
        public String toString() {
            return out.toString();
        }

        private String wordAt(int k) {
            if (k >= n || !isWordStart(s.charAt(k))) {
                return "";
            }
            int e = wordEnd(k);
            return e - k > 12 ? "" : s.substring(k, e);
        }

        private void lineComment() {
            if (s.charAt(i) == '-' && isDash()) {
                // "10 - 3 -- 7 -- is the answer", "Sleep (5) -- album by Max Richter": a dash before English.
                i += 2;
                emit('o');
                return;
            }
            int nl = s.indexOf('\n', i);
            i = nl < 0 ? n : nl + 1;
            emit('c');
        }

        /**
         * "--" followed by a space and then three words of letters (bounded look-ahead) is a dash in prose, not a
         * comment; a comment after an injection is empty or short ({@code --}, {@code -- -}, {@code --+}).
         */
        private boolean isDash() {
            int j = i + 2;
            if (j >= n || s.charAt(j) != ' ') {
                return false;
            }
            int words = 0;
            int end = Math.min(n, j + 60);
            while (j < end && words < 3) {
                while (j < end && s.charAt(j) == ' ') {
                    j++;
                }
                int w = j;
                while (j < end && (Character.isLetter(s.charAt(j)) || s.charAt(j) == '\'')) {
                    j++;
                }
                if (j - w < 1 || j < end && ",.;:!?) ".indexOf(s.charAt(j)) < 0 && j < n) {
                    return false;
                }
                words++;
                if (j < end && s.charAt(j) != ' ') {
                    j++;
                }
            }
            return words >= 3;
        }

        private void blockComment() {
            if (i + 2 < n && s.charAt(i + 2) == '!') {
                // MySQL executable comment: its content is code.
                int j = i + 3;
                while (j < n && isDigit(s.charAt(j))) {
                    j++;
                }
                i = j;
                return;
            }
            int close = s.indexOf("*/", i + 2);
            i = close < 0 ? n : close + 2;
            // A comment between two tokens is whitespace to MySQL (union/**/select); one at the end hides the rest.
            if (skipSpace(i) < n) {
                return;
            }
            emit('c');
        }

        private int skipSpace(int j) {
            while (j < n && Character.isWhitespace(s.charAt(j))) {
                j++;
            }
            return j;
        }

        private int wordEnd(int j) {
            while (j < n && isWordPart(s.charAt(j))) {
                j++;
            }
            return j;
        }
    }

    /** Oracle and SQL Server packages and schemas whose members are called as {@code package.member(...)}. */
    static boolean isPackage(String w) {
        // Not "sys" or "master": sys.exit(1) and master.merge(...) are Python and git talk.
        return w.startsWith("dbms_") || w.startsWith("utl_") || w.equals("ctxsys") || w.equals("ordsys")
                || w.equals("mdsys");
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean isWordStart(char c) {
        return c >= 'a' && c <= 'z' || c == '_' || c == '$' || c > 127 && Character.isLetter(c);
    }

    static boolean isWordPart(char c) {
        return isWordStart(c) || isDigit(c);
    }
}
