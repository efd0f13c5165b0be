package dev.telemetry.stack.schema;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Validates records read from a topic by any Kafka client (one JSON value per line, e.g.
 * {@code kcat -C -t telemetry.summaries -e -q}) against one of the published JSON Schemas in
 * {@code docs/schemas/}: what analysts are promised is what the processor actually writes. CI runs it
 * on the records of a live stack ({@code .ci/ecosystem-checks.sh}).
 *
 * <pre>kcat ... | java -cp local-stack/target/local-stack.jar dev.telemetry.stack.schema.SchemaCheck
 *     docs/schemas/telemetry.summaries.schema.json [--min-records N]</pre>
 *
 * Exit status 0 when every record is valid and there are at least N (default 1), 1 otherwise, 2 on
 * bad usage; every invalid record is printed with the reasons.
 */
public final class SchemaCheck {

    private SchemaCheck() {
    }

    /** The outcome of checking a stream of records. */
    public record Result(int records, List<String> problems) {
        public boolean valid(int minRecords) {
            return problems.isEmpty() && records >= minRecords;
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1 && !(args.length == 3 && args[1].equals("--min-records"))) {
            System.err.println("usage: SchemaCheck <schema.json> [--min-records N]   (records as JSON lines on stdin)");
            System.exit(2);
        }
        int minRecords = args.length == 3 ? Integer.parseInt(args[2]) : 1;
        Path schemaFile = Path.of(args[0]);
        String schemaText;
        try {
            schemaText = Files.readString(schemaFile);
        } catch (NoSuchFileException e) {
            System.err.println("SchemaCheck: no schema file " + schemaFile.toAbsolutePath());
            System.exit(2);
            return;
        }
        Result result;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            result = check(schemaText, in.lines().toList());
        }
        result.problems().forEach(System.out::println);
        String name = schemaFile.getFileName().toString();
        if (result.valid(minRecords)) {
            System.out.printf("%s: %d record(s), all valid%n", name, result.records());
            return;
        }
        if (result.records() < minRecords) {
            System.out.printf("%s: only %d record(s), expected at least %d%n", name, result.records(), minRecords);
        } else {
            System.out.printf("%s: %d record(s), %d invalid%n", name, result.records(), result.problems().size());
        }
        System.exit(1);
    }

    /** Checks each non-blank line as one record; a line that is not JSON is a problem too. */
    public static Result check(String schemaJson, List<String> lines) {
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(schemaJson, InputFormat.JSON);
        List<String> problems = new ArrayList<>();
        int records = 0;
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            records++;
            List<Error> errors;
            try {
                errors = schema.validate(line, InputFormat.JSON);
            } catch (RuntimeException e) {
                problems.add("record " + records + " is not JSON (" + e.getMessage() + "): " + line);
                continue;
            }
            if (!errors.isEmpty()) {
                problems.add("record " + records + " invalid: " + errors + ": " + line);
            }
        }
        return new Result(records, List.copyOf(problems));
    }
}
