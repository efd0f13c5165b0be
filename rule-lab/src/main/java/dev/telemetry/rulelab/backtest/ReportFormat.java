package dev.telemetry.rulelab.backtest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telemetry.rulelab.backtest.Backtest.FiringInterval;
import dev.telemetry.rulelab.backtest.Backtest.RuleReport;
import dev.telemetry.rulelab.backtest.IncidentMeasures.PerIncident;
import dev.telemetry.rulelab.backtest.IncidentMeasures.Timing;
import dev.telemetry.rulelab.unit.TestTimes;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * How a backtest's reports are printed: {@code --format json} (one object per rule, the console's API returns the
 * same objects) and {@code --format table}.
 */
public final class ReportFormat {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ReportFormat() {
    }

    // ---- JSON ----------------------------------------------------------------------------------------------

    /**
     * {@code {"rule", "firing": [{"start", "end", "labels", "peak"}], "notifications", "firingSeconds", "flaps"}},
     * and with {@code measures} (not null) {@code "precision", "recall", "detectionSeconds", "resetSeconds"}.
     */
    public static ObjectNode json(RuleReport r, IncidentMeasures measures) {
        ObjectNode rule = NODES.objectNode();
        rule.put("rule", r.rule());
        rule.set("firing", intervals(r.firing()));
        rule.put("notifications", r.notifications());
        rule.put("firingSeconds", r.firingSeconds());
        rule.put("flaps", r.flaps());
        if (measures != null) {
            measures(rule, measures);
        }
        return rule;
    }

    /**
     * {@code {"rule", "rules": SIDE, "compare": SIDE}}, each side {@code {"file", "present", "intervals",
     * "firingSeconds", "notifications", "flaps", "onlyHere": [interval...]}} and, with incidents, its measures.
     */
    public static ObjectNode json(RuleComparison c, String rulesFile, String compareFile, IncidentMeasures rulesMeasures,
                                  IncidentMeasures compareMeasures) {
        ObjectNode node = NODES.objectNode();
        node.put("rule", c.rule());
        node.set("rules", side(c.rules(), rulesFile, rulesMeasures));
        node.set("compare", side(c.compare(), compareFile, compareMeasures));
        return node;
    }

    private static ObjectNode side(RuleComparison.Side s, String file, IncidentMeasures measures) {
        ObjectNode node = NODES.objectNode();
        node.put("file", file);
        node.put("present", s.present());
        node.put("intervals", s.intervals());
        node.put("firingSeconds", s.firingSeconds());
        node.put("notifications", s.notifications());
        node.put("flaps", s.flaps());
        node.set("onlyHere", intervals(s.onlyHere()));
        if (measures != null && s.present()) {
            measures(node, measures);
        }
        return node;
    }

    private static ArrayNode intervals(List<FiringInterval> intervals) {
        ArrayNode firing = NODES.arrayNode();
        for (FiringInterval i : intervals) {
            ObjectNode interval = firing.addObject();
            interval.put("start", i.start().toString());
            if (i.end() == null) {
                interval.putNull("end");
            } else {
                interval.put("end", i.end().toString());
            }
            ObjectNode labels = interval.putObject("labels");
            new TreeMap<>(i.labels()).forEach(labels::put);
            interval.put("peak", i.peak());
        }
        return firing;
    }

    private static void measures(ObjectNode node, IncidentMeasures m) {
        number(node, "precision", m.precision());
        number(node, "recall", m.recall());
        node.set("detectionSeconds", timing(m.detection()));
        node.set("resetSeconds", timing(m.reset()));
    }

    /** {@code {"mean", "max", "incidents": [{"incident", "seconds", "why"?}]}}. */
    private static ObjectNode timing(Timing t) {
        ObjectNode node = NODES.objectNode();
        number(node, "mean", t.meanSeconds());
        number(node, "max", t.maxSeconds());
        ArrayNode list = node.putArray("incidents");
        for (PerIncident i : t.incidents()) {
            ObjectNode one = list.addObject();
            one.put("incident", i.incident());
            number(one, "seconds", i.seconds());
            if (i.why() != null) {
                one.put("why", i.why());
            }
        }
        return node;
    }

    /** A whole number as an integer (60, not 60.0), null as null. */
    private static void number(ObjectNode node, String key, Double value) {
        if (value == null) {
            node.putNull(key);
        } else if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            node.put(key, value.longValue());
        } else {
            node.put(key, value);
        }
    }

    // ---- table ---------------------------------------------------------------------------------------------

    public static void table(PrintStream out, RuleReport r, IncidentMeasures measures) {
        out.printf(Locale.ROOT, "%s: %s%n", r.rule(), totals(r.firing().size(), r.notifications(), r.firingSeconds(),
                r.flaps()));
        intervals(out, "  ", r.firing());
        if (measures != null) {
            measuresTable(out, "  ", measures);
        }
    }

    public static void table(PrintStream out, RuleComparison c, String rulesFile, String compareFile,
                             IncidentMeasures rulesMeasures, IncidentMeasures compareMeasures) {
        out.printf(Locale.ROOT, "%s:%n", c.rule());
        sideTable(out, rulesFile, c.rules(), rulesMeasures);
        sideTable(out, compareFile, c.compare(), compareMeasures);
    }

    private static void sideTable(PrintStream out, String file, RuleComparison.Side s, IncidentMeasures measures) {
        if (!s.present()) {
            out.printf(Locale.ROOT, "  %s: no such rule%n", file);
            return;
        }
        out.printf(Locale.ROOT, "  %s: %s%n", file, totals(s.intervals(), s.notifications(), s.firingSeconds(),
                s.flaps()));
        if (!s.onlyHere().isEmpty()) {
            out.printf(Locale.ROOT, "    only in %s:%n", file);
            intervals(out, "      ", s.onlyHere());
        }
        if (measures != null) {
            measuresTable(out, "    ", measures);
        }
    }

    private static String totals(int intervals, int notifications, long firingSeconds, int flaps) {
        return String.format(Locale.ROOT, "%d firing interval%s, %d notifications, %s firing, %d flap%s", intervals,
                intervals == 1 ? "" : "s", notifications, TestTimes.format(Duration.ofSeconds(firingSeconds)), flaps,
                flaps == 1 ? "" : "s");
    }

    private static void intervals(PrintStream out, String indent, List<FiringInterval> intervals) {
        for (FiringInterval i : intervals) {
            out.printf(Locale.ROOT, "%s%s .. %s  %s  peak %s%n", indent, i.start(),
                    i.end() == null ? "(still firing)" : i.end(), new TreeMap<>(i.labels()), number(i.peak()));
        }
    }

    private static void measuresTable(PrintStream out, String indent, IncidentMeasures m) {
        if (m == IncidentMeasures.NOT_JUDGED) {
            out.printf(Locale.ROOT, "%sno incident judges this rule%n", indent);
            return;
        }
        out.printf(Locale.ROOT, "%sprecision %s, recall %s, detection time mean %s max %s, reset time mean %s max %s%n",
                indent, ratio(m.precision()), ratio(m.recall()), seconds(m.detection().meanSeconds()),
                seconds(m.detection().maxSeconds()), seconds(m.reset().meanSeconds()), seconds(m.reset().maxSeconds()));
        for (int i = 0; i < m.detection().incidents().size(); i++) {
            PerIncident d = m.detection().incidents().get(i);
            PerIncident r = m.reset().incidents().get(i);
            out.printf(Locale.ROOT, "%s  incident %s: %s%n", indent, d.incident(), d.seconds() == null ? d.why()
                    : "detected after " + seconds(d.seconds()) + ", reset "
                    + (r.seconds() == null ? "unknown (" + r.why() + ")" : "after " + seconds(r.seconds())));
        }
    }

    private static String ratio(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String seconds(Double v) {
        return v == null ? "-" : TestTimes.format(Duration.ofMillis(Math.round(v * 1000)));
    }

    static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.4g", v);
    }
}
