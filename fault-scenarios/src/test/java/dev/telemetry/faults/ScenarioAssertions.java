package dev.telemetry.faults;

import static org.assertj.core.api.Assertions.assertThat;

/** The scenarios' verdict, the same as the CLI's exit code, with the whole table in every failure message. */
final class ScenarioAssertions {

    private ScenarioAssertions() {
    }

    /** Every acknowledged event is in the raw topic, and every raw event is summarised exactly once. */
    static void assertNoLoss(ScenarioResult result) {
        String table = "\n" + result.table();
        assertThat(result.acknowledgedIds()).as("202 answers carry their event ids%s", table).isEqualTo(result.acknowledged());
        assertThat(result.acknowledgedNotInRaw()).as("acknowledged event ids missing from telemetry.metrics%s", table).isZero();
        assertThat(result.raw()).as("events in telemetry.metrics, at least those acknowledged%s", table)
                .isGreaterThanOrEqualTo(result.acknowledged());
        assertThat(result.summarised()).as("events summarised on telemetry.summaries (read_committed) = events in"
                + " telemetry.metrics; missing %d, late-dropped %d%s", result.missing(), result.late(), table)
                .isEqualTo(result.raw());
        assertThat(result.passed()).isTrue();
    }

    /** The independent audit of the load's app reconciles every window exactly, and none is left pending. */
    static void assertAuditReconciles(ScenarioResult result) {
        String table = "\n" + result.table();
        assertThat(result.measurement(FaultScenarios.AUDIT_MISMATCH)).as("audit: mismatching windows%s", table).isZero();
        assertThat(result.measurement(FaultScenarios.AUDIT_PENDING)).as("audit: windows not accounted for%s", table)
                .isZero();
        assertThat(result.measurement(FaultScenarios.AUDIT_MATCH)).as("audit: matching windows%s", table).isPositive();
    }
}
