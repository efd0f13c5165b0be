package dev.telemetry.processor.stage;

import java.util.Objects;

/**
 * One offending item (an IP over the rate limit, an injection attempt, a new error fingerprint) as the event-alert
 * rollup counts it: detectors emit one per item, and the rollup turns those of one rule, app and window into one
 * alert. What the alert says about the rule (severity, threshold, wording) travels with each item, so the rollup
 * needs no knowledge of the detectors.
 *
 * @param rule        the rolled-up alert's name ({@code alertname}), e.g. {@code rate_limit_exceeded}
 * @param app         the app the item belongs to
 * @param severity    the alert's severity, wire name
 * @param metric      what is counted, e.g. {@code requests_per_minute}
 * @param subjectKind what an item is, singular: {@code ip} or {@code fingerprint} (the annotations say
 *                    {@code distinct_ips}, {@code distinct_fingerprints})
 * @param subject     the item itself: the IP, the fingerprint
 * @param threshold   the rule's threshold (per item)
 * @param operator    how an item compares with the threshold, wire name
 * @param description what every item did, for the summary: "crossed the rate limit of 100 requests/min"
 */
public record Offense(String rule, String app, String severity, String metric, String subjectKind, String subject,
                      double threshold, String operator, String description) {

    public Offense {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(app, "app");
        subject = subject == null ? "unknown" : subject;
    }

    /** The key the rollup gathers by: all of one rule's items of one app meet in one task. */
    public String rollupKey() {
        return rule + "|" + app;
    }
}
