package dev.telemetry.rulelab.unit;

import dev.telemetry.rulelab.replay.ActiveAlert;
import dev.telemetry.rulelab.unit.RuleTestFile.ExpectedAlert;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compares the alerts a test expects at one time with those pending or firing then. Each expected alert must match
 * its own actual alert: same {@code alertname} and state, and every label and annotation it lists present with that
 * value (the actual alert may have more: {@code severity}, series labels, other annotations). Every actual alert
 * must be matched. The pairing is a maximum matching, so the order of either list does not matter.
 */
final class AlertDiff {

    private AlertDiff() {
    }

    static boolean matches(ExpectedAlert e, ActiveAlert a) {
        return e.alertname().equals(a.rule()) && e.state().equals(a.state())
                && a.labels().entrySet().containsAll(e.labels().entrySet())
                && a.annotations().entrySet().containsAll(e.annotations().entrySet());
    }

    /** The differences, one readable line each; empty when the alerts are as expected. */
    static List<String> differences(List<ExpectedAlert> expected, List<ActiveAlert> actual) {
        int[] matchOfActual = new int[actual.size()];
        Arrays.fill(matchOfActual, -1);
        for (int e = 0; e < expected.size(); e++) {
            augment(e, expected, actual, matchOfActual, new boolean[actual.size()]);
        }
        boolean[] expectedMatched = new boolean[expected.size()];
        boolean[] actualMatched = new boolean[actual.size()];
        for (int a = 0; a < actual.size(); a++) {
            if (matchOfActual[a] >= 0) {
                expectedMatched[matchOfActual[a]] = true;
                actualMatched[a] = true;
            }
        }
        List<String> lines = new ArrayList<>();
        // An unmatched expected alert and an unmatched actual one of the same rule: name what differs.
        for (int e = 0; e < expected.size(); e++) {
            if (expectedMatched[e]) {
                continue;
            }
            ExpectedAlert want = expected.get(e);
            int closest = -1;
            int fewest = Integer.MAX_VALUE;
            for (int a = 0; a < actual.size(); a++) {
                if (!actualMatched[a] && actual.get(a).rule().equals(want.alertname())) {
                    int n = mismatches(want, actual.get(a)).size();
                    if (n < fewest) {
                        fewest = n;
                        closest = a;
                    }
                }
            }
            if (closest >= 0) {
                actualMatched[closest] = true;
                expectedMatched[e] = true;
                ActiveAlert got = actual.get(closest);
                lines.add("differs:    " + want.alertname() + " " + labels(got.labels()) + ": "
                        + String.join("; ", mismatches(want, got)));
            }
        }
        for (int e = 0; e < expected.size(); e++) {
            if (!expectedMatched[e]) {
                lines.add("missing:    " + describe(expected.get(e)));
            }
        }
        for (int a = 0; a < actual.size(); a++) {
            if (!actualMatched[a]) {
                lines.add("unexpected: " + describe(actual.get(a)));
            }
        }
        return lines;
    }

    private static boolean augment(int e, List<ExpectedAlert> expected, List<ActiveAlert> actual, int[] matchOfActual,
                                   boolean[] seen) {
        for (int a = 0; a < actual.size(); a++) {
            if (seen[a] || !matches(expected.get(e), actual.get(a))) {
                continue;
            }
            seen[a] = true;
            if (matchOfActual[a] < 0 || augment(matchOfActual[a], expected, actual, matchOfActual, seen)) {
                matchOfActual[a] = e;
                return true;
            }
        }
        return false;
    }

    private static List<String> mismatches(ExpectedAlert want, ActiveAlert got) {
        List<String> out = new ArrayList<>();
        if (!want.state().equals(got.state())) {
            out.add("state expected " + want.state() + ", got " + got.state());
        }
        want.labels().forEach((k, v) -> {
            String actual = got.labels().get(k);
            if (!v.equals(actual)) {
                out.add("label " + k + " expected " + quote(v) + ", got " + (actual == null ? "none" : quote(actual)));
            }
        });
        want.annotations().forEach((k, v) -> {
            String actual = got.annotations().get(k);
            if (!v.equals(actual)) {
                out.add("annotation " + k + " expected " + quote(v) + ", got "
                        + (actual == null ? "none" : quote(actual)));
            }
        });
        return out;
    }

    static String describe(ExpectedAlert e) {
        return e.alertname() + " " + e.state() + " " + labels(e.labels())
                + (e.annotations().isEmpty() ? "" : " annotations " + labels(e.annotations()));
    }

    static String describe(ActiveAlert a) {
        return a.rule() + " " + a.state() + " " + labels(a.labels())
                + (a.annotations().isEmpty() ? "" : " annotations " + labels(a.annotations()));
    }

    /** {@code {app="shop", endpoint="/api/checkout"}}, sorted by name. */
    static String labels(Map<String, String> labels) {
        StringBuilder sb = new StringBuilder("{");
        new TreeMap<>(labels).forEach((k, v) -> {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(k).append('=').append(quote(v));
        });
        return sb.append('}').toString();
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
