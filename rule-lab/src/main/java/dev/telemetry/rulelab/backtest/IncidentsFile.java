package dev.telemetry.rulelab.backtest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telemetry.rulelab.unit.BadTestFile;
import dev.telemetry.rulelab.unit.LocatedYaml;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads an {@code --incidents} file (format in the README, "Testing and backtesting rules"):
 *
 * <pre>
 * incidents:
 *   - name: checkout outage                  # unique
 *     start: 2026-11-30T10:00:00Z            # ISO instants; end after start
 *     end: 2026-11-30T10:20:00Z
 *     labels: {app: shop}                    # optional: only alerts carrying these labels count for it
 *     rules: [checkout_slow]                 # optional: only these rules are judged by it
 * </pre>
 *
 * Every problem is a {@link BadTestFile} naming the file, the line and the key.
 */
public final class IncidentsFile {

    private static final Set<String> TOP_KEYS = Set.of("incidents");
    private static final Set<String> KEYS = Set.of("name", "start", "end", "labels", "rules");

    private IncidentsFile() {
    }

    public static List<Incident> read(Path file) throws BadTestFile {
        LocatedYaml yaml;
        try {
            yaml = LocatedYaml.read(file);
        } catch (BadTestFile e) {
            if (e.line() == 1 && e.problem().startsWith("empty")) {
                throw new BadTestFile(file, 1, "(file)", "empty: an incidents file is a mapping with a list `incidents`");
            }
            throw e;
        }
        JsonNode root = yaml.root();
        if (!root.isObject()) {
            throw yaml.error("", "an incidents file is a mapping with a list `incidents`");
        }
        keys(yaml, root, "", TOP_KEYS);
        JsonNode list = root.get("incidents");
        if (list == null || !list.isArray()) {
            throw yaml.error("incidents", "is required: a list of {name, start, end, labels, rules}");
        }
        List<Incident> incidents = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String path = "incidents[" + i + "]";
            JsonNode node = list.get(i);
            if (!node.isObject()) {
                throw yaml.error(path, "an incident is a mapping with name, start, end and optional labels, rules");
            }
            keys(yaml, node, path, KEYS);
            String name = text(yaml, node.get("name"), path + ".name");
            if (!names.add(name)) {
                throw yaml.error(path + ".name", "'" + name + "' is the name of an earlier incident");
            }
            Instant start = instant(yaml, node.get("start"), path + ".start");
            Instant end = instant(yaml, node.get("end"), path + ".end");
            if (!end.isAfter(start)) {
                throw yaml.error(path + ".end", end + " is not after start " + start);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            JsonNode l = node.get("labels");
            if (l != null && !l.isNull()) {
                if (!l.isObject()) {
                    throw yaml.error(path + ".labels", "must be a mapping of label to value, e.g. {app: shop}");
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = l.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                        throw yaml.error(path + ".labels." + e.getKey(), "must be a value");
                    }
                    labels.put(e.getKey(), e.getValue().asText());
                }
            }
            List<String> rules = new ArrayList<>();
            JsonNode r = node.get("rules");
            if (r != null && !r.isNull()) {
                if (!r.isArray()) {
                    throw yaml.error(path + ".rules", "must be a list of rule names, e.g. [checkout_slow]");
                }
                for (int j = 0; j < r.size(); j++) {
                    rules.add(text(yaml, r.get(j), path + ".rules[" + j + "]"));
                }
            }
            incidents.add(new Incident(name, start, end, labels, rules));
        }
        return List.copyOf(incidents);
    }

    private static void keys(LocatedYaml yaml, JsonNode node, String path, Set<String> allowed) throws BadTestFile {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw yaml.error(path.isEmpty() ? key : path + "." + key, "unknown key (expected one of "
                        + new TreeSet<>(allowed) + ")");
            }
        }
    }

    private static String text(LocatedYaml yaml, JsonNode node, String path) throws BadTestFile {
        if (node == null || node.isNull() || !node.isValueNode() || node.asText().isBlank()) {
            throw yaml.error(path, "is required: a non-empty text");
        }
        return node.asText();
    }

    private static Instant instant(LocatedYaml yaml, JsonNode node, String path) throws BadTestFile {
        String text = text(yaml, node, path);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw yaml.error(path, "'" + text + "' is not an ISO instant such as 2026-11-30T10:00:00Z");
        }
    }
}
