package dev.telemetry.rulelab.unit;

import java.nio.file.Path;

/**
 * A test file (or the rules file it names) that cannot be run: the message names the file, the line and the key,
 * e.g. {@code rules/tests/shop.test.yaml:12: tests[0].input[1].every: '1x' is not a duration ...}.
 */
public final class BadTestFile extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int line;
    private final String key;
    private final String problem;

    public BadTestFile(Path file, int line, String key, String problem) {
        super(file + (line > 0 ? ":" + line : "") + ": " + key + ": " + problem);
        this.file = file;
        this.line = line;
        this.key = key;
        this.problem = problem;
    }

    public Path file() {
        return file;
    }

    /** 1-based; 0 when not known. */
    public int line() {
        return line;
    }

    /** The path of the bad key, e.g. {@code tests[0].expect[2].at}; {@code (file)} for the file as a whole. */
    public String key() {
        return key;
    }

    public String problem() {
        return problem;
    }
}
