package dev.telemetry.processor.security;

/**
 * SQL injection by SQL's grammar, whatever the learnt fingerprint list says (issue 12, item 6, round 4). The learnt
 * list only knows the shapes its tune attacks happened to have; these rules name shapes that are an injection for any
 * data, because text that starts with a value and goes on like this can only be SQL:
 * <ul>
 *   <li><b>breakout</b>: a closed string and a comment ({@code admin'--}: {@code sc}), or a closed string, any
 *   closing parentheses, {@code ;} and a statement ({@code '; exec}, {@code '));drop}: {@code s));E}, or T-SQL's
 *   {@code if(}, round 5); round 5: also a closed string, closing parentheses and a comment ({@code admin')--}).</li>
 *   <li><b>stacked</b>: a number, any closing parentheses, {@code ;}, a statement or T-SQL keyword
 *   ({@code select}, {@code exec}, {@code waitfor}, {@code shutdown}, ...) and, within the next three tokens, SQL
 *   rather than words ({@code 1; exec xp_cmdshell 'whoami'}, {@code 1; shutdown with nowait;--}) — not
 *   "1; drop me a line".</li>
 *   <li><b>tautology</b>: a value (a number, or a closed string), logic, then a comparison of two values
 *   ({@code 1 or 2>1}) or a boolean literal ({@code 99 or true}), then the end, a comment, {@code ;}, {@code )},
 *   more logic or a clause — not "1 or 2 items" or "1 or 0 = 1 in boolean logic".</li>
 *   <li><b>subquery</b>: {@code (select} right after logic, an operator or a function ({@code and exists(select},
 *   {@code '+(select}, {@code rlike (select}, {@code =(select}) or right after the closed string, with something after
 *   {@code select} that is not two words.</li>
 *   <li><b>logic-call</b>: a value, any closing parentheses, logic and a call of a function SQL has
 *   ({@code 1) and dbms_pipe.receive_message('a',10)}, {@code ') or sleep(5)}, {@code '||utl_http.request(...)}).</li>
 *   <li><b>concat-compare</b>: closed strings joined by {@code ||} and compared ({@code ' or 'x'||'y'='xy}).</li>
 *   <li>Round 5: <b>union-select</b>: {@code union select} at the start or after a value, then a select list with at
 *   least one item that is SQL rather than a word ({@code null,null--}, {@code a || ':' || b}) — not "union select
 *   committee"; <b>conditional</b>: T-SQL {@code if(condition)} then a statement ({@code ' if(1=1) waitfor ...});
 *   <b>order-by</b>: a value, {@code order by}, a number, then the end, a comment, {@code ,} or {@code ;};
 *   <b>logic-call</b> also after a comparison ({@code ' and 123=like(...)}).</li>
 * </ul>
 * Every rule but a leading {@code union select} needs the reading to start with a value: a number as given, or, read as if inside a string, a closed
 * string that is one value (not a phrase: {@link Prose#isPhraseBeforeQuote}). Each rule looks at the at most
 * {@link SqlTokenizer#MAX_TOKENS} tokens of one reading: constant work per reading.
 */
final class SqlGrammar {

    private SqlGrammar() {
    }

    /** The name of the grammar rule that {@code t} breaks, or null. */
    static String rule(SqlTokenizer.Tokens t) {
        char first = t.type(0);
        if (t.context() == 0 && first == 'U' && t.type(1) == 'E' && t.text(1).equals("select") && selectList(t, 2)) {
            return "union-select";
        }
        if (t.context() == 0 ? first != '1' : first != 's' || Prose.isPhraseBeforeQuote(t.lower(), t.context())) {
            return null;
        }
        String fp = t.fingerprint();
        int k = 1;
        while (t.type(k) == ')') {
            k++;
        }
        if (first == 's' && t.type(k) == 'c') {
            return "breakout"; // admin'--, admin')-- -
        }
        if (t.type(k) == 'U' && t.type(k + 1) == 'E' && t.text(k + 1).equals("select") && selectList(t, k + 2)) {
            return "union-select";
        }
        if (conditional(t, k) || t.type(k) == ';' && conditional(t, k + 1)) {
            return "conditional";
        }
        if (t.type(k) == 'B' && (t.text(k).startsWith("order") || t.text(k).startsWith("group")) && t.type(k + 1) == '1'
                && endsProbe(t.type(k + 2))) {
            return "order-by";
        }
        for (int x = 1; x + 1 < fp.length(); x++) {
            char before = fp.charAt(x - 1);
            if (fp.charAt(x) == '(' && fp.charAt(x + 1) == 'E' && t.text(x + 1).equals("select")
                    && (before == '&' || before == 'o' || before == 'f' || x == 1 && t.context() != 0)
                    && selectBody(t, x + 2)) {
                return "subquery";
            }
            if (x + 2 < fp.length() && before == 's' && fp.charAt(x) == '&' && t.text(x).equals("||")
                    && fp.charAt(x + 1) == 's' && fp.charAt(x + 2) == 'o' && isComparison(t.text(x + 2))) {
                return "concat-compare";
            }
        }
        if (t.type(k) == ';' && (t.type(k + 1) == 'E' || t.type(k + 1) == 'T'
                || t.type(k + 1) == 'f' && t.text(k + 1).equals("if") && t.type(k + 2) == '(')) {
            if (first == 's' || sqlWithin(t, k + 2, 3)) {
                return first == 's' ? "breakout" : "stacked";
            }
        }
        if (t.type(k) == '&') {
            if (isValue(t.type(k + 1)) && t.type(k + 2) == 'o' && isComparison(t.text(k + 2)) && isValue(t.type(k + 3))
                    && endsClause(t, k + 4)) {
                return "tautology";
            }
            if (t.type(k + 1) == 'k' && (t.text(k + 1).equals("true") || t.text(k + 1).equals("false"))
                    && endsClause(t, k + 2)) {
                return "tautology";
            }
            if (t.type(k + 1) == 'f') {
                return "logic-call";
            }
            if (isValue(t.type(k + 1)) && t.type(k + 2) == 'o' && isComparison(t.text(k + 2)) && t.type(k + 3) == 'f') {
                return "logic-call"; // ' and 123=like('abc',upper(hex(randomblob(...))))
            }
        }
        return null;
    }

    /**
     * A select list from {@code k} (after {@code union select}): items separated by {@code ,}, each an operand
     * (number, string, {@code null} or another keyword literal, function call, variable, {@code *}, or a name) or
     * operands joined by {@code ||} or arithmetic; then the end of the input, a comment, {@code from}, {@code ;},
     * {@code )}, a clause or another union — or the end of the token window. At least one item must be SQL rather
     * than a word: a value, a call, a variable, {@code *} or a concatenation ({@code null,null--},
     * {@code username || ':' || password}). "Union select committee" ({@code UEn}) and "union select hotel, brighton"
     * ({@code UEn,n}) are words only.
     */
    private static boolean selectList(SqlTokenizer.Tokens t, int k) {
        boolean sql = false;
        boolean operand = true; // an operand is expected next
        for (; k < SqlTokenizer.MAX_TOKENS; k++) {
            char c = t.type(k);
            if (c == 0) {
                return sql && !operand;
            }
            if (operand) {
                if (c == 'n') {
                    operand = false;
                } else if (c == '1' || c == 's' || c == 'v' || c == 'k' && isLiteral(t.text(k))) {
                    sql = true;
                    operand = false;
                } else if (c == 'f') {
                    return true; // a SQL function call as a select item
                } else if (c == 'o' && t.text(k).equals("*")) {
                    sql = true;
                    operand = false;
                } else {
                    return false;
                }
            } else if (c == ',') {
                operand = true;
            } else if (c == '&' && t.text(k).equals("||") || c == 'o' && "+-*/".indexOf(t.text(k).charAt(0)) >= 0
                    && t.text(k).length() == 1) {
                sql = true;
                operand = true;
            } else {
                return sql && (c == 'c' || c == ';' || c == ')' || c == 'B' || c == 'U'
                        || c == 'k' && t.text(k).equals("from"));
            }
        }
        return sql && t.fingerprint().length() == SqlTokenizer.MAX_TOKENS; // the list goes on past the window
    }

    private static boolean isLiteral(String text) {
        return text.equals("null") || text.equals("true") || text.equals("false");
    }

    /**
     * T-SQL's {@code IF (condition) statement} at {@code k}: {@code if(}, its condition up to the matching {@code )}
     * within the token window, then a statement or T-SQL keyword ({@code ' if(1=1) waitfor delay '0:0:4'--}).
     */
    private static boolean conditional(SqlTokenizer.Tokens t, int k) {
        if (t.type(k) != 'f' || !t.text(k).equals("if") || t.type(k + 1) != '(') {
            return false;
        }
        int depth = 0;
        for (int j = k + 1; j < SqlTokenizer.MAX_TOKENS; j++) {
            char c = t.type(j);
            if (c == 0) {
                return false;
            }
            if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return t.type(j + 1) == 'E' || t.type(j + 1) == 'T';
            }
        }
        return false;
    }

    /** What may follow {@code order by <n>} in a column-count probe: the end, a comment, {@code ,} or {@code ;}. */
    private static boolean endsProbe(char c) {
        return c == 0 || c == 'c' || c == ',' || c == ';';
    }

    private static boolean isValue(char type) {
        return type == '1' || type == 's';
    }

    /** A comparison operator: {@code = < > <= >= <> != <=> ==} or {@code like}. */
    static boolean isComparison(String op) {
        return !op.isEmpty() && ("=<>".indexOf(op.charAt(0)) >= 0 || op.startsWith("!=") || op.equals("like"));
    }

    /** The reading ends at {@code k}, or goes on as SQL does after a condition: a comment, ; ) logic, a clause. */
    private static boolean endsClause(SqlTokenizer.Tokens t, int k) {
        char c = t.type(k);
        return c == 0 || "c;)&BU".indexOf(c) >= 0;
    }

    /** Some token in {@code [from, from + within)} is SQL rather than words (not a bareword or stray character). */
    private static boolean sqlWithin(SqlTokenizer.Tokens t, int from, int within) {
        for (int k = from; k < from + within; k++) {
            char c = t.type(k);
            if (c == 0) {
                return false;
            }
            if (c != 'n' && c != 'X') {
                return true;
            }
        }
        return false;
    }

    /** What follows {@code (select}: a value, {@code *}, a call, a variable, a keyword, or one word and more SQL. */
    private static boolean selectBody(SqlTokenizer.Tokens t, int k) {
        char c = t.type(k);
        if (c == 0) {
            return false;
        }
        if (c == 'n') {
            char next = t.type(k + 1);
            return next != 0 && next != 'n' && next != 'X' && next != ')';
        }
        return c != 'X' && c != ')';
    }
}
