package dev.telemetry.processor.erroralerts;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.ErrorEvent;
import dev.telemetry.events.errors.ErrorFingerprint;
import dev.telemetry.events.errors.ReportedErrors;
import dev.telemetry.processor.errors.ErrorClassification;
import dev.telemetry.processor.errors.ErrorClassifier;
import dev.telemetry.processor.rules.EventAlerts;
import dev.telemetry.processor.rules.Operator;
import dev.telemetry.processor.rules.Severity;
import dev.telemetry.processor.stage.Detection;
import dev.telemetry.processor.stage.DetectorEmitter;
import dev.telemetry.processor.stage.DetectorOutput;
import dev.telemetry.processor.stage.Offense;
import dev.telemetry.processor.stage.ProcessorMetrics;
import dev.telemetry.processor.stage.ProcessorSettings;
import dev.telemetry.processor.stage.ReadProgress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Alerts on errors as they arrive. Input: envelopes of {@code telemetry.errors}; output: alerts for
 * {@code telemetry.alerts}:
 * <ul>
 *   <li>{@code new_error_fingerprint}: the first error of a fingerprint (type + normalised message + top frame),
 *       rolled up into one alert per app and window (see {@code rollup/});</li>
 *   <li>{@code error_regression}: a fingerprint seen again after {@code regressionWindows} windows without it;</li>
 *   <li>{@code error_should_alert}: an error the seed's {@code classifyError} rules mark {@code shouldAlert},
 *       once per fingerprint and window (a burst of one bug is one alert, not thousands).</li>
 * </ul>
 * The window in which each fingerprint was last seen is kept in a changelogged store keyed by app and
 * fingerprint. The fingerprint hashes the error's type, and the raw topic's key is app + type, so every error of
 * one fingerprint arrives on one partition and one task sees them all: no repartition is needed (and the
 * {@code errors{fingerprint}} count series stays whole for the same reason).
 * <p>
 * Clients can send endless distinct errors, so the store must not grow forever: a wall-clock punctuator forgets
 * fingerprints not seen for {@link Detection#forgetFingerprintsAfter()} (default 30 days, longer than the
 * regression span); such a fingerprint's next error is "new" again, as in Sentry after an issue's retention.
 * "Not seen" is measured up to where the input has been read ({@link ReadProgress}), not to the wall clock.
 */
public final class ErrorAlertsProcessor implements Processor<String, Envelope, String, DetectorOutput> {

    static final String FINGERPRINTS_STORE = "error-fingerprints";

    private final long windowSize;
    private final int regressionWindows;
    private final ErrorClassifier classifier;
    private final List<String> channels;
    private final long forgetAfter;
    private final ProcessorMetrics metrics;
    private final ReadProgress progress;

    private DetectorEmitter emit;
    private KeyValueStore<String, Long> lastSeen;

    private ErrorAlertsProcessor(ProcessorSettings settings, ProcessorMetrics metrics, ReadProgress progress) {
        this.progress = progress;
        this.windowSize = settings.windowSize().toMillis();
        this.regressionWindows = settings.detection().regressionWindows();
        this.classifier = new ErrorClassifier(settings.detection().errorRules());
        this.channels = settings.detection().securityChannels();
        this.forgetAfter = settings.detection().forgetFingerprintsAfter().toMillis();
        this.metrics = metrics;
    }

    public static ProcessorSupplier<String, Envelope, String, DetectorOutput> supplier(ProcessorSettings settings,
                                                                                      ProcessorMetrics metrics,
                                                                                      ReadProgress progress) {
        return DetectorEmitter.supplier(() -> new ErrorAlertsProcessor(settings, metrics, progress),
                settings.stateStores().keyValueStore(FINGERPRINTS_STORE, Serdes.String(),
                        Serdes.Long()));
    }

    @Override
    public void init(ProcessorContext<String, DetectorOutput> context) {
        this.emit = new DetectorEmitter(context, metrics);
        this.lastSeen = context.getStateStore(FINGERPRINTS_STORE);
        TaskId task = context.taskId();
        // Forgetting by the wall clock alone would forget a fingerprint whose next errors are still unread after an
        // outage, and call them "new": only as far as the input has been read counts as "now".
        context.schedule(sweepInterval(forgetAfter), PunctuationType.WALL_CLOCK_TIME,
                now -> forgetQuietFingerprints(progress.wallClockReadUpTo(task, now)));
    }

    /**
     * A tenth of the retention, at most an hour: forgetting a little late is harmless, scanning often is not free.
     * Public for the rule lab's parallel replay, which must move every driver's wall clock when this punctuator is due.
     */
    public static Duration sweepInterval(long forgetAfterMs) {
        return Duration.ofMillis(Math.max(1_000, Math.min(Duration.ofHours(1).toMillis(), forgetAfterMs / 10)));
    }

    private void forgetQuietFingerprints(long now) {
        if (now == ReadProgress.UNKNOWN) {
            return;
        }
        List<String> quiet = new ArrayList<>();
        try (KeyValueIterator<String, Long> all = lastSeen.all()) {
            while (all.hasNext()) {
                KeyValue<String, Long> entry = all.next();
                // The value is the start of the window last seen in; the fingerprint was quiet since its end.
                if (entry.value + windowSize + forgetAfter <= now) {
                    quiet.add(entry.key);
                }
            }
        }
        // Deleted after the scan: the iterator must not see its own store change under it.
        quiet.forEach(lastSeen::delete);
        if (!quiet.isEmpty()) {
            metrics.errorFingerprintsForgotten(quiet.size());
        }
    }

    @Override
    public void process(Record<String, Envelope> record) {
        Envelope envelope = record.value();
        ErrorEvent error = envelope == null ? null : ReportedErrors.asError(envelope.event());
        if (error == null) {
            return;
        }
        String fingerprint = ErrorFingerprint.of(error.type(), error.message(), error.stack());
        ErrorClassification classification = classifier.classify(error.message());
        long window = record.timestamp() - Math.floorMod(record.timestamp(), windowSize);
        String key = envelope.app() + "|" + fingerprint;
        Long last = lastSeen.get(key);
        Map<String, String> subject = Map.of("fingerprint", fingerprint,
                "type", error.type() == null ? "Error" : error.type(), "category", classification.category());
        Map<String, String> annotations = Map.of("summary", ErrorFingerprint.normalise(error.message()));
        Instant at = Instant.ofEpochMilli(record.timestamp());
        if (last == null) {
            // A bad deploy brings hundreds of new fingerprints at once: one rollup alert per app and window names them.
            emit.offense(new Offense("new_error_fingerprint", envelope.app(), classification.severity().wireName(),
                    "errors", "fingerprint", fingerprint, 0, Operator.GT.wireName(), "appeared for the first time"),
                    record.timestamp());
        } else if (window - last > regressionWindows * windowSize) {
            emit.alert(EventAlerts.firing("error_regression", "errors", envelope.app(), subject,
                    (window - last) / windowSize, regressionWindows, Operator.GT, atLeastMedium(classification.severity()),
                    channels, annotations, at), record.timestamp());
        }
        if (classification.shouldAlert() && (last == null || window > last)) {
            emit.alert(EventAlerts.firing("error_should_alert", "errors", envelope.app(), subject, 1, 0, Operator.GT,
                    classification.severity(), channels, annotations, at), record.timestamp());
        }
        if (last == null || window > last) {
            lastSeen.put(key, window);
        }
    }

    /** A bug coming back is worth a look even when its message sounds harmless. */
    private static Severity atLeastMedium(Severity severity) {
        return severity.compareTo(Severity.MEDIUM) < 0 ? Severity.MEDIUM : severity;
    }
}
