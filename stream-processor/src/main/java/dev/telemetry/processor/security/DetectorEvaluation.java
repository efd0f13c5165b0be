package dev.telemetry.processor.security;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Measures {@link InjectionDetector} on the security corpus and prints the tables of
 * {@code docs/security-detection.md}: per file and split, how many attacks were detected (and as the right
 * class), and how many benign inputs were flagged. Usage:
 * {@code DetectorEvaluation <corpus dir> [--misses N]}.
 *
 * <p>Corpus conventions (its README): libinjection lines are URL-encoded, {@code #} lines are comments;
 * PayloadsAllTheThings lines are raw. Bare fuzz tokens in SQL lists ({@code select}, {@code '}, {@code |}) are
 * probes rather than attacks and are reported in their own columns, not counted as misses.
 *
 * <p>Splits (round 3): every corpus line and every line of {@code benign-english.txt} goes to the <em>held-out</em>
 * split when the CRC-32 of {@link #SALT} + the line (UTF-8) is 0, 1 or 2 modulo 10 ({@link #isHeldOut}), else to
 * the <em>tune</em> split. The hard benign set written for this project is stored already split: round 1's
 * {@link #HARD_TUNE} (round 1's tune and held-out files, round 2's held-out file: all measured, so tune data now)
 * are tune; {@link #HARD_HOLDOUT} ({@code benign-hard-round3-holdout.txt}, written before round 3 began) is held out.
 * Round 4: the round-1 confirmation set (400 benign lines, 150 attacks by an independent engineer) is tune data
 * ({@code benign-confirm-round1.txt} in {@link #HARD_TUNE}, {@link #CONFIRM_TUNE_ATTACKS}). Round 5: so is the round-2
 * confirmation set (400 benign lines, 200 attacks by an independent engineer, measured once on round 4):
 * {@code benign-confirm-round2.txt}, {@code confirm-round2-sqli.txt}, {@code confirm-round2-xss.txt}; and
 * {@code benign-rule-prose.txt}, the prose that the grammar rules' unit tests keep unflagged (rounds 4 and 5, written by
 * the rules' author), so that the relearnt list does not learn those shapes back.
 * Only the tune split's misses are printed ({@code --misses}); the held-out split reports counts. The hard files
 * have no comment lines: their lines may start with {@code #} (markdown headings).
 */
public final class DetectorEvaluation {

    /** One file's result. */
    record Row(String file, String kind, String split, int inputs, int detected, int rightClass, int fuzzTokens, int fuzzFlagged,
               List<String> misses) {

        double rate() {
            return inputs == 0 ? 0 : 100.0 * detected / inputs;
        }
    }

    private static final Set<String> SQL_WORDS = Set.of("select", "union", "order", "group", "by", "insert", "update",
            "delete", "drop", "or", "and", "where", "from", "having", "limit", "exec", "execute", "sleep", "waitfor",
            "declare", "null", "true", "false", "like", "all", "not", "into", "table", "xor", "asc", "desc");
    private static final Pattern COMMENT = Pattern.compile("^#\\s*[A-Za-z].*");
    private static final Pattern DESCRIBED = Pattern.compile("^(\\S+)\\t+\\S.*$");

    private DetectorEvaluation() {
    }

    public static final String TUNE = "tune";
    public static final String HOLDOUT = "holdout";

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: DetectorEvaluation <corpus dir> [--misses N | --learn <fingerprints file> [--extra <libinjection data dir>] | --bench]");
            System.exit(2);
        }
        if (args.length >= 3 && args[1].equals("--learn")) {
            learn(Path.of(args[0]), Path.of(args[2]), args.length >= 5 && args[3].equals("--extra") ? Path.of(args[4]) : null);
            return;
        }
        if (args.length >= 2 && args[1].equals("--bench")) {
            bench(Path.of(args[0]));
            return;
        }
        int showMisses = args.length >= 3 && args[1].equals("--misses") ? Integer.parseInt(args[2]) : 0;
        String missSplit = TUNE;
        List<Row> rows = evaluate(Path.of(args[0]), new InjectionDetector());
        System.out.println("### Held-out split (never tuned on)");
        System.out.println();
        System.out.print(table(rows, HOLDOUT));
        System.out.println();
        System.out.println("### Tune split");
        System.out.println();
        System.out.print(table(rows, TUNE));
        if (showMisses > 0) {
            System.out.println();
            for (Row row : rows) {
                if (row.split().equals(missSplit)) {
                    row.misses().stream().limit(showMisses).forEach(m -> System.out.println(row.file() + "\t" + m));
                }
            }
        }
    }

    /**
     * Salt of the round-3 split (issue 12, item 6): the round-1 rule (no salt) and the round-2 salt
     * ({@code item6-round2:}) were spent — their held-out lines or counts were looked at while tuning — so the corpus
     * is split afresh by a new salt.
     */
    static final String SALT = "item6-round3:";

    /** Hard benign files that are tune data: round 1's tune and held-out sets, round 2's held-out set. */
    static final List<String> HARD_TUNE = List.of("benign-hard-tune.txt", "benign-hard-round1-holdout.txt",
            "benign-hard-round2-holdout.txt", "benign-confirm-round1.txt", "benign-confirm-round2.txt",
            "benign-rule-prose.txt");
    /**
     * The round-1 confirmation set's attacks (150 hand-written lines by an independent engineer, split by class):
     * measured once on round 3, its misses looked at to write round 4's grammar rules, so tune data now. The benign
     * half is {@code benign-confirm-round1.txt} in {@link #HARD_TUNE}.
     */
    static final List<String> CONFIRM_TUNE_ATTACKS = List.of("confirm-round1-sqli.txt", "confirm-round1-xss.txt",
            "confirm-round2-sqli.txt", "confirm-round2-xss.txt");
    /** Hard benign files that are held out: round 3's, written before any round-3 change. */
    static final List<String> HARD_HOLDOUT = List.of("benign-hard-round3-holdout.txt");

    /**
     * The split rule: CRC-32 of the UTF-8 bytes of {@link #SALT} followed by the line, modulo 10, below 3 is held out
     * (about 30 %).
     */
    public static boolean isHeldOut(String line) {
        CRC32 crc = new CRC32();
        crc.update((SALT + line).getBytes(StandardCharsets.UTF_8));
        return crc.getValue() % 10 < 3;
    }

    /** The round-1 split rule (CRC-32 of the bare line), kept to say which lines the round-1 numbers came from. */
    static boolean isRound1HeldOut(String line) {
        CRC32 crc = new CRC32();
        crc.update(line.getBytes(StandardCharsets.UTF_8));
        return crc.getValue() % 10 < 3;
    }

    static List<Row> evaluate(Path corpus, InjectionDetector detector) throws IOException {
        List<Row> rows = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(corpus)) {
            files = walk.filter(Files::isRegularFile).filter(f -> kind(f) != null).sorted().toList();
        }
        for (Path file : files) {
            boolean libinjection = file.getParent().getFileName().toString().equals("libinjection");
            String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            addSplit(rows, corpus.relativize(file).toString(), kind(file), lines(text.lines().toList(), libinjection),
                    !libinjection, detector);
        }
        addSplit(rows, "(built in) benign-english.txt", "benign", lines(resource("benign-english.txt"), true), false,
                detector);
        // The hard benign set written for this project: every file of an earlier round is tune data now (each was
        // measured, and its flagged lines or counts looked at); round 3's file, written before round 3 began, is all
        // held out.
        for (String name : HARD_TUNE) {
            rows.add(evaluate("(built in) " + name, "benign", TUNE, lines(resource(name), false, true), false, detector));
        }
        for (String name : CONFIRM_TUNE_ATTACKS) {
            rows.add(evaluate("(built in) " + name, confirmKind(name), TUNE, lines(resource(name), false, true), false,
                    detector));
        }
        for (String name : HARD_HOLDOUT) {
            rows.add(evaluate("(built in) " + name, "benign", HOLDOUT, lines(resource(name), false, true), false, detector));
        }
        return rows;
    }

    private static String confirmKind(String name) {
        return name.endsWith("-sqli.txt") ? "sqli" : "xss";
    }

    static List<String> resource(String name) throws IOException {
        try (InputStream in = DetectorEvaluation.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("resource not found: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    private static void addSplit(List<Row> rows, String file, String kind, List<String> lines, boolean rawSqlList,
                                 InjectionDetector detector) {
        rows.add(evaluate(file, kind, TUNE, lines.stream().filter(l -> !isHeldOut(l)).toList(), rawSqlList, detector));
        rows.add(evaluate(file, kind, HOLDOUT, lines.stream().filter(DetectorEvaluation::isHeldOut).toList(), rawSqlList,
                detector));
    }

    private static String kind(Path file) {
        String name = file.getFileName().toString();
        if (name.startsWith("sqli-")) {
            return "sqli";
        }
        if (name.startsWith("xss-")) {
            return "xss";
        }
        return name.startsWith("false_positives") ? "benign" : null;
    }

    private static List<String> lines(List<String> raw, boolean hashComments) {
        return lines(raw, hashComments, false);
    }

    private static List<String> lines(List<String> raw, boolean hashComments, boolean noComments) {
        List<String> lines = new ArrayList<>();
        for (String line : raw) {
            // FuzzDB-derived lists in PayloadsAllTheThings carry "# comment" lines too: prose, not payloads.
            if (line.isBlank() || (!noComments
                    && (hashComments ? line.startsWith("#") : COMMENT.matcher(line).matches()))) {
                continue;
            }
            lines.add(line);
        }
        return lines;
    }

    private static Row evaluate(String file, String kind, String split, List<String> lines, boolean rawSqlList,
                                InjectionDetector detector) {
        int detected = 0;
        int rightClass = 0;
        int fuzz = 0;
        int fuzzFlagged = 0;
        int inputs = 0;
        List<String> misses = new ArrayList<>();
        for (String line : lines) {
            String input = line;
            if (rawSqlList) {
                var described = DESCRIBED.matcher(line);
                if (kind.equals("sqli") && described.matches()) {
                    // "||<tab><tab>(double pipe) concatenate": a payload with its description.
                    input = described.group(1);
                }
                if (isBareFuzzToken(input)) {
                    fuzz++;
                    if (detector.inspect(input).attack()) {
                        fuzzFlagged++;
                    }
                    continue;
                }
            }
            inputs++;
            Verdict verdict = detector.inspect(input);
            if (verdict.attack()) {
                detected++;
                if (verdict.attackClass().wireName().equals(kind)) {
                    rightClass++;
                }
            } else if (!kind.equals("benign")) {
                misses.add(input);
            }
            if (kind.equals("benign") && verdict.attack()) {
                misses.add(verdict.rule() + "\t" + input);
            }
        }
        return new Row(file, kind, split, inputs, detected, rightClass, fuzz, fuzzFlagged, misses);
    }

    /** Token types that make a fingerprint SQL rather than words: logic, statements, comments, calls, variables. */
    private static final String SQL_STRUCTURE = "&UETcfvB;";

    /**
     * Writes the SQL fingerprint list: every fingerprint (any form, any context) of the tune split's SQL attacks — and,
     * with {@code extra}, of the {@code sqli-*.txt} attack lists in libinjection's own {@code data/} folder (URL-encoded,
     * {@code #} comments) minus every line that is also in the corpus — that has SQL structure, minus every
     * fingerprint of the tune split's benign inputs. Held-out lines are not read. The system property
     * {@code learn.skipBenign} (a file name) leaves one tune benign source out, to validate the list on it;
     * {@code learn.skipAttacks} (file names, comma-separated) leaves confirmation attack files out.
     */
    static void learn(Path corpus, Path out, Path extra) throws IOException {
        java.util.TreeMap<String, Integer> attack = new java.util.TreeMap<>();
        Set<String> benign = new java.util.HashSet<>();
        List<String> attackFull = new ArrayList<>();
        List<Input> inputs = new ArrayList<>(tuneInputs(corpus));
        String skip = System.getProperty("learn.skipBenign");
        if (skip != null) {
            for (String line : lines(resource(skip), false, true)) {
                inputs.remove(new Input("benign", line));
            }
        }
        String skipAttacks = System.getProperty("learn.skipAttacks");
        if (skipAttacks != null) {
            // Round 5: leave one tune attack file out (a confirmation set), to measure the grammar rules on it.
            for (String name : skipAttacks.split(",")) {
                for (String line : lines(resource(name), false, true)) {
                    inputs.remove(new Input(confirmKind(name), line));
                }
            }
        }
        int extraLines = 0;
        if (extra != null) {
            Set<String> corpusLines = new java.util.HashSet<>();
            try (Stream<Path> walk = Files.walk(corpus)) {
                for (Path f : walk.filter(Files::isRegularFile).toList()) {
                    corpusLines.addAll(new String(Files.readAllBytes(f), StandardCharsets.UTF_8).lines().toList());
                }
            }
            List<Path> lists;
            try (Stream<Path> walk = Files.list(extra)) {
                lists = walk.filter(f -> f.getFileName().toString().startsWith("sqli-")).sorted().toList();
            }
            for (Path f : lists) {
                for (String line : lines(new String(Files.readAllBytes(f), StandardCharsets.UTF_8).lines().toList(), true)) {
                    if (!corpusLines.contains(line)) {
                        inputs.add(new Input("sqli", line));
                        extraLines++;
                    }
                }
            }
        }
        for (Input input : inputs) {
            for (String form : InjectionDetector.forms(input.text())) {
                for (String fp : InjectionDetector.sqlFingerprints(form)) {
                    if (input.kind().equals("benign")) {
                        benign.add(fp);
                        benign.add(InjectionDetector.shortFingerprint(fp));
                    } else if (input.kind().equals("sqli") && fp.chars().anyMatch(c -> SQL_STRUCTURE.indexOf(c) >= 0)) {
                        attackFull.add(fp);
                    }
                }
            }
        }
        for (String fp : attackFull) {
            String prefix = InjectionDetector.shortFingerprint(fp);
            if (prefix.chars().anyMatch(c -> SQL_STRUCTURE.indexOf(c) >= 0) && !benign.contains(prefix)) {
                attack.merge(prefix, 1, Integer::sum);
            } else if (fp.length() > prefix.length()) {
                attack.merge(fp, 1, Integer::sum); // ambiguous in five tokens: kept at eight unless benign has those too
            }
        }
        StringBuilder text = new StringBuilder();
        text.append("# SQL injection fingerprints (SqlTokenizer), learnt from the tune split by\n")
                .append("# DetectorEvaluation <corpus> --learn <this file>: fingerprints of tune SQL attacks with SQL\n")
                .append("# structure (5 tokens; 8 where a benign input shares the 5), minus fingerprints of tune benign inputs.\n")
                .append(extra == null ? "" : "# Also learnt from libinjection's own data/sqli-*.txt lists (--extra; lines also in the corpus skipped).\n");
        int kept = 0;
        for (var e : attack.entrySet()) {
            if (!benign.contains(e.getKey())) {
                text.append(e.getKey()).append('\n');
                kept++;
            }
        }
        Files.writeString(out, text.toString(), StandardCharsets.UTF_8);
        System.out.printf(Locale.ROOT, "%d fingerprints written (%d attack fingerprints, %d dropped as seen in benign;"
                + " %d extra attack lines)%n", kept, attack.size(), attack.size() - kept, extraLines);
    }

    /** One tune-split input, with its file's kind. */
    record Input(String kind, String text) {
    }

    /** The tune split's inputs, read by the same rules as the report (comments, described payloads, fuzz tokens). */
    static List<Input> tuneInputs(Path corpus) throws IOException {
        List<Input> inputs = new ArrayList<>();
        for (Input input : allInputs(corpus)) {
            if (input.text().startsWith(TUNE_MARK)) {
                inputs.add(new Input(input.kind(), input.text().substring(TUNE_MARK.length())));
            }
        }
        return inputs;
    }

    private static final String TUNE_MARK = "\u0000tune\u0000";

    private static List<Input> allInputs(Path corpus) throws IOException {
        List<Input> inputs = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(corpus)) {
            files = walk.filter(Files::isRegularFile).filter(f -> kind(f) != null).sorted().toList();
        }
        for (Path file : files) {
            boolean libinjection = file.getParent().getFileName().toString().equals("libinjection");
            String kind = kind(file);
            for (String line : lines(new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList(), libinjection)) {
                String input = line;
                if (!libinjection) {
                    var described = DESCRIBED.matcher(line);
                    if (kind.equals("sqli") && described.matches()) {
                        input = described.group(1);
                    }
                    if (isBareFuzzToken(input)) {
                        continue;
                    }
                }
                inputs.add(new Input(kind, (isHeldOut(line) ? "" : TUNE_MARK) + input));
            }
        }
        for (String line : lines(resource("benign-english.txt"), true)) {
            inputs.add(new Input("benign", (isHeldOut(line) ? "" : TUNE_MARK) + line));
        }
        for (String name : HARD_TUNE) {
            for (String line : lines(resource(name), false, true)) {
                inputs.add(new Input("benign", TUNE_MARK + line));
            }
        }
        for (String name : CONFIRM_TUNE_ATTACKS) {
            for (String line : lines(resource(name), false, true)) {
                inputs.add(new Input(confirmKind(name), TUNE_MARK + line));
            }
        }
        for (String name : HARD_HOLDOUT) {
            for (String line : lines(resource(name), false, true)) {
                inputs.add(new Input("benign", line));
            }
        }
        return inputs;
    }

    /**
     * Throughput: every corpus and benign input (both splits), inspected single-threaded, 3 warm-up rounds then 5
     * timed rounds; then the worst case, adversarial inputs of 20 000 and 100 000 characters (repeated quotes,
     * brackets, comment starts, escapes), each timed on its own.
     */
    static void bench(Path corpus) throws IOException {
        List<String> inputs = new ArrayList<>();
        for (Input input : allInputs(corpus)) {
            String text = input.text();
            inputs.add(text.startsWith(TUNE_MARK) ? text.substring(TUNE_MARK.length()) : text);
        }
        InjectionDetector detector = new InjectionDetector();
        int flagged = 0;
        for (int round = 0; round < 3; round++) {
            for (String input : inputs) {
                flagged += detector.inspect(input).attack() ? 1 : 0;
            }
        }
        long start = System.nanoTime();
        for (int round = 0; round < 5; round++) {
            for (String input : inputs) {
                flagged += detector.inspect(input).attack() ? 1 : 0;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "throughput: %d inputs x 5 rounds in %.2f s = %.0f inputs/s (%.1f us/input; %d flags)%n",
                inputs.size(), seconds, inputs.size() * 5 / seconds, seconds * 1e6 / (inputs.size() * 5.0), flagged);
        for (int length : new int[] {20_000, 100_000}) {
            double worst = 0;
            String worstUnit = "";
            StringBuilder line = new StringBuilder();
            for (String unit : ADVERSARIAL_UNITS) {
                String input = adversarial(unit, length);
                double ms;
                try {
                    detector.inspect(input); // warm
                    long t0 = System.nanoTime();
                    detector.inspect(input);
                    ms = (System.nanoTime() - t0) / 1e6;
                } catch (StackOverflowError e) {
                    line.append(' ').append(unit.strip()).append("=StackOverflowError");
                    continue;
                }
                line.append(String.format(Locale.ROOT, " %s=%.2f", unit.strip().isEmpty() ? "space" : unit.strip(), ms));
                if (ms > worst) {
                    worst = ms;
                    worstUnit = unit;
                }
            }
            System.out.printf(Locale.ROOT, "adversarial %d chars, ms per input:%s%n  worst %.2f ms ('%s')%n", length, line,
                    worst, worstUnit);
        }
    }

    /** Repeated units that drive backtracking regexes and naive scanners to quadratic time. */
    static final List<String> ADVERSARIAL_UNITS = List.of("'", "\"", "<", "(", "--", "/*", "%25", "&#", " ", "a=", "' or ",
            "<a ", "<a x='", "select ", "union ", "1 or ", "on", "onx=", "<!--", "alert(", "'a'", "javascript", "data:",
            "<script>", "document.", "0x41", "\\u00", "@@", "`", "expression",
            // round 5: many query-string pairs, quoted mentions, comments inside words
            "a=1&", "\"a(\" ", "a/**/");

    static String adversarial(String unit, int length) {
        return unit.repeat(length / unit.length() + 1).substring(0, length);
    }

    /**
     * A probe rather than an attack: punctuation or a number with a stray quote ({@code '}, {@code 1"},
     * {@code ||}, {@code %00}, {@code &lt;}), nothing but one or two SQL keywords ({@code select},
     * {@code order by}), or one bare word ({@code onAbort} in lists of event-handler names).
     */
    static boolean isBareFuzzToken(String line) {
        String s = line.trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty()) {
            return true;
        }
        if (s.matches("(%[0-9a-f]{2}){1,2}") || s.matches("[\\p{Punct}\\s\\d]{1,4}") || s.matches("\\[?\\d*[\\p{Punct}]{0,3}\\d*\\]?")) {
            return true;
        }
        if (s.matches("/\\*.{0,3}\\*/") || s.matches("&#?[a-z0-9]+;?") || s.matches("[a-z]+")) {
            return true;
        }
        String[] words = s.split("\\s+");
        if (words.length <= 2) {
            for (String word : words) {
                if (!SQL_WORDS.contains(word.replaceAll("\\p{Punct}", ""))) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    /** The table of one split: its rows, then the attack aggregate, each benign source, and the benign aggregate. */
    static String table(List<Row> rows, String split) {
        rows = rows.stream().filter(r -> r.split().equals(split)).toList();
        StringBuilder out = new StringBuilder();
        out.append("| file | kind | inputs | flagged | rate | right class | bare fuzz tokens (flagged) |\n");
        out.append("| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
        int[] attack = new int[3];
        int[] benign = new int[2];
        for (Row row : rows) {
            out.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %.1f %% | %s | %s |%n", row.file(), row.kind(),
                    row.inputs(), row.detected(), row.rate(),
                    row.kind().equals("benign") ? "" : String.valueOf(row.rightClass()),
                    row.fuzzTokens() == 0 ? "" : row.fuzzTokens() + " (" + row.fuzzFlagged() + ")"));
            if (row.kind().equals("benign")) {
                benign[0] += row.inputs();
                benign[1] += row.detected();
            } else {
                attack[0] += row.inputs();
                attack[1] += row.detected();
                attack[2] += row.rightClass();
            }
        }
        out.append(String.format(Locale.ROOT, "| **all attack lists** | sqli+xss | %d | %d | **%.1f %%** | %d | |%n",
                attack[0], attack[1], 100.0 * attack[1] / attack[0], attack[2]));
        out.append(String.format(Locale.ROOT, "| **all benign** | benign | %d | %d | **%.1f %%** false positives | | |%n",
                benign[0], benign[1], benign[0] == 0 ? 0 : 100.0 * benign[1] / benign[0]));
        return out.toString();
    }
}
