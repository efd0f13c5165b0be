package dev.telemetry.stack.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SchemaCheck tells valid records from invalid ones against the published schemas in docs/schemas. */
class SchemaCheckTest {

    private static final String SUMMARY = """
            {"schemaVersion":1,"app":"demo-app","metric":"LCP","series":"LCP","labels":{},\
            "windowStart":"2026-11-27T10:00:00Z","windowEnd":"2026-11-27T10:01:00Z","count":1,"sum":2400.0,\
            "min":2400.0,"max":2400.0,"mean":2400.0,"p50":2400.0,"p75":2400.0,"p90":2400.0,"p95":2400.0,"p99":2400.0,\
            "ratings":{"good":1,"needsImprovement":0,"poor":0}}""";

    @Test
    void shouldAcceptRecordWhenItIsTheReadmesSummary() throws Exception {
        SchemaCheck.Result result = SchemaCheck.check(schema("telemetry.summaries"), List.of(SUMMARY, ""));

        assertThat(result.records()).isEqualTo(1);
        assertThat(result.problems()).isEmpty();
        assertThat(result.valid(1)).isTrue();
    }

    @Test
    void shouldReportEachBadRecordWhenFieldsAreMissingOrLineIsNotJson() throws Exception {
        SchemaCheck.Result result = SchemaCheck.check(schema("telemetry.summaries"),
                List.of(SUMMARY, SUMMARY.replace("\"count\":1,", ""), "not json"));

        assertThat(result.records()).isEqualTo(3);
        assertThat(result.problems()).hasSize(2);
        assertThat(result.problems().get(0)).startsWith("record 2 invalid").contains("count");
        assertThat(result.problems().get(1)).startsWith("record 3 is not JSON");
        assertThat(result.valid(1)).isFalse();
    }

    @Test
    void shouldAcceptTheReadmesVitalOffendersAndRejectAnOffenderWithoutItsCount() throws Exception {
        String offenders = """
                {"schemaVersion":1,"app":"shop","page":"/checkout","vital":"LCP",\
                "windowStart":"2026-11-30T10:00:00Z","windowEnd":"2026-11-30T10:01:00Z","poorCount":57,\
                "offenders":[{"target":"main > img.hero","count":41,"maxOvercount":0,"p75":4820.0}]}""";

        SchemaCheck.Result result = SchemaCheck.check(schema("telemetry.vitals-attribution"), List.of(offenders,
                offenders.replace("\"count\":41,", ""), offenders.replace("\"LCP\"", "\"FCP\"")));

        assertThat(result.records()).isEqualTo(3);
        assertThat(result.problems()).hasSize(2);
        assertThat(result.problems().get(0)).startsWith("record 2 invalid").contains("count");
        assertThat(result.problems().get(1)).startsWith("record 3 invalid");
    }

    @Test
    void shouldNotBeValidWhenFewerRecordsThanRequiredArrived() throws Exception {
        SchemaCheck.Result result = SchemaCheck.check(schema("telemetry.ratelimit"), List.of());

        assertThat(result.problems()).isEmpty();
        assertThat(result.valid(1)).isFalse();
        assertThat(result.valid(0)).isTrue();
    }

    private static String schema(String topic) throws Exception {
        return Files.readString(Path.of("..", "docs", "schemas", topic + ".schema.json"));
    }
}
