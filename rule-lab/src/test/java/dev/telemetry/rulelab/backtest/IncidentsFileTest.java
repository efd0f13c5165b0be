package dev.telemetry.rulelab.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.telemetry.rulelab.backtest.Backtest.FiringInterval;
import dev.telemetry.rulelab.backtest.Backtest.RuleReport;
import dev.telemetry.rulelab.unit.BadTestFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code --incidents} file: what it reads, what it refuses (file, line, key), and the JSON it leads to. */
class IncidentsFileTest {

    @TempDir
    Path dir;

    @Test
    void shouldReadIncidentsWithOptionalLabelsAndRules() throws Exception {
        Path file = Files.writeString(dir.resolve("incidents.yaml"), """
                incidents:
                  - name: checkout outage
                    start: 2026-11-30T10:00:00Z
                    end: 2026-11-30T10:20:00Z
                    labels: {app: shop}
                    rules: [checkout_slow]
                  - {name: blip, start: "2026-11-30T11:00:00Z", end: "2026-11-30T11:05:00Z"}
                """);

        assertThat(IncidentsFile.read(file)).containsExactly(
                new Incident("checkout outage", Instant.parse("2026-11-30T10:00:00Z"),
                        Instant.parse("2026-11-30T10:20:00Z"), Map.of("app", "shop"), List.of("checkout_slow")),
                new Incident("blip", Instant.parse("2026-11-30T11:00:00Z"), Instant.parse("2026-11-30T11:05:00Z"),
                        Map.of(), List.of()));
    }

    @Test
    void shouldNameTheFileLineAndKeyOfABadIncident() throws Exception {
        assertBad("incidents:\n  - {name: a, start: 2026-11-30T10:00:00Z, end: 2026-11-30T10:00:00Z}\n",
                ":2: incidents[0].end: 2026-11-30T10:00:00Z is not after start 2026-11-30T10:00:00Z");
        assertBad("incidents:\n  - name: a\n    start: yesterday\n    end: 2026-11-30T10:00:00Z\n",
                ":3: incidents[0].start: 'yesterday' is not an ISO instant such as 2026-11-30T10:00:00Z");
        assertBad("incidents:\n  - {name: a, start: 2026-11-30T10:00:00Z, end: 2026-11-30T11:00:00Z, app: shop}\n",
                ":2: incidents[0].app: unknown key (expected one of [end, labels, name, rules, start])");
        assertBad("incidents:\n  - {name: a, start: 2026-11-30T10:00:00Z, end: 2026-11-30T11:00:00Z}\n"
                        + "  - {name: a, start: 2026-11-30T10:00:00Z, end: 2026-11-30T11:00:00Z}\n",
                ":3: incidents[1].name: 'a' is the name of an earlier incident");
        assertBad("incidents:\n  - {name: a, start: 2026-11-30T10:00:00Z, end: 2026-11-30T11:00:00Z, rules: x}\n",
                ":2: incidents[0].rules: must be a list of rule names, e.g. [checkout_slow]");
        assertBad("- {name: a}\n", ":1: (root): an incidents file is a mapping with a list `incidents`");
        assertBad("", ":1: (file): empty: an incidents file is a mapping with a list `incidents`");
    }

    private void assertBad(String yaml, String message) throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), yaml);
        assertThatThrownBy(() -> IncidentsFile.read(file)).isInstanceOf(BadTestFile.class)
                .hasMessage(file + message);
    }

    @Test
    void shouldPrintTheIssuesJsonKeysAndTheMeasuresOnlyWithIncidents() {
        Instant t0 = Instant.parse("2026-11-30T10:00:00Z");
        RuleReport report = new RuleReport("checkout_slow", List.of(new FiringInterval("fp", t0.plusSeconds(90),
                null, Map.of("app", "shop"), 2500)), 1, 510, 0);
        Incident outage = new Incident("outage", t0, t0.plusSeconds(300), Map.of(), List.of());

        assertThat(ReportFormat.json(report, null).toString()).isEqualTo("{\"rule\":\"checkout_slow\",\"firing\":"
                + "[{\"start\":\"2026-11-30T10:01:30Z\",\"end\":null,\"labels\":{\"app\":\"shop\"},\"peak\":2500.0}],"
                + "\"notifications\":1,\"firingSeconds\":510,\"flaps\":0}");
        IncidentMeasures m = IncidentMeasures.of("checkout_slow", report.firing(), List.of(outage), t0,
                t0.plusSeconds(600));
        assertThat(ReportFormat.json(report, m).toString()).endsWith("\"flaps\":0,\"precision\":1,\"recall\":1,"
                + "\"detectionSeconds\":{\"mean\":90,\"max\":90,\"incidents\":[{\"incident\":\"outage\",\"seconds\":90}]},"
                + "\"resetSeconds\":{\"mean\":null,\"max\":null,\"incidents\":[{\"incident\":\"outage\",\"seconds\":null,"
                + "\"why\":\"still firing at the end of the range\"}]}}");
    }
}
