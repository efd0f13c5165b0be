package dev.telemetry.faults;

import dev.telemetry.auditor.AuditReader;
import dev.telemetry.auditor.AuditRow;
import dev.telemetry.auditor.Reconciler;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.faults.PipelineCounter.RawCount;
import dev.telemetry.faults.PipelineCounter.SummaryCount;
import dev.telemetry.service.config.Durations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The fault scenarios: the real services in their own JVMs under a browser-like load, one real fault each, then a
 * count of whether every acknowledged event reached {@code telemetry.summaries}. Each returns its counts; none
 * asserts, so that the CLI and the tests judge the same numbers.
 */
public final class FaultScenarios {

    /** The processor's lag on the raw topic just before it was started again: the backlog it came back to. */
    public static final String BACKLOG_AT_RESTART = "backlogAtRestart";
    /** The independent audit of the load's app, once everything was summarised: windows (per raw topic) that match. */
    public static final String AUDIT_MATCH = "auditMatch";
    /** ... that mismatch: records unaccounted for, or accounted twice. 0 when the processor kept its account. */
    public static final String AUDIT_MISMATCH = "auditMismatch";
    /** ... not accounted for yet. */
    public static final String AUDIT_PENDING = "auditPending";
    /** Bytes the proxy forwarded while partitioned (from 1 s after the cut, to let in-flight writes land): 0 if it held. */
    public static final String BYTES_DURING_PARTITION = "bytesDuringPartition";
    /**
     * How far the processor's committed offsets on the raw topic moved while partitioned (from 1 s after the cut): 0
     * when it was cut off, as it commits through the broker.
     */
    public static final String COMMITTED_DURING_PARTITION = "committedDuringPartition";
    /** Lines of the processor's logs in which its Kafka clients report disconnections or timeouts. */
    public static final String PROCESSOR_CUT_OFF_LINES = "processorCutOffLines";
    /** Events the gateway acknowledged while the fault lasted. */
    public static final String ACKNOWLEDGED_DURING_FAULT = "acknowledgedDuringFault";

    // Lines in which the processor's Kafka clients report that the broker stopped answering.
    private static final Pattern CUT_OFF = Pattern.compile(
            "Disconnecting from node|timed out|TimeoutException|disconnected|fenced|Fenced", Pattern.CASE_INSENSITIVE);

    private final ScenarioSettings settings;

    public FaultScenarios(ScenarioSettings settings) {
        this.settings = settings;
    }

    /**
     * The scenario: SIGKILL the broker {@code killAt} into the load and start it again {@code outage} after the
     * kill, on the same data directory and ports, while the clients keep posting.
     */
    public ScenarioResult brokerOutage(Duration killAt, Duration outage) throws Exception {
        return run("broker-outage", "kill broker at +" + format(killAt) + ", restart after " + format(outage), false,
                (stack, timeline, load, facts, notes) -> {
                    timeline.at(killAt);
                    long before = load.acknowledgedSoFar();
                    int exit = stack.broker().kill();
                    notes.add(timeline.now() + " broker SIGKILLed (exit " + exit + "); " + before + " events acknowledged so far");
                    timeline.at(killAt.plus(outage));
                    notes.add(timeline.now() + " broker starting again on the same data dir and ports");
                    stack.broker().start(FaultStack.BROKER_READY);
                    notes.add(timeline.now() + " broker ready; " + load.unavailableSoFar() + " requests answered 503 so far");
                    facts.put(ACKNOWLEDGED_DURING_FAULT, load.acknowledgedSoFar() - before);
                });
    }

    /**
     * Cuts the processor off the broker for {@code duration} from {@code partitionAt} into the load (both directions,
     * open and new connections, nothing closed), while the gateway still writes to the broker; then heals.
     */
    public ScenarioResult processorPartition(Duration partitionAt, Duration duration) throws Exception {
        return run("processor-partition", "partition processor at +" + format(partitionAt) + " for " + format(duration), true,
                (stack, timeline, load, facts, notes) -> {
                    BlackholeProxy proxy = stack.proxy();
                    timeline.at(partitionAt);
                    long before = load.acknowledgedSoFar();
                    proxy.partition();
                    notes.add(timeline.now() + " processor partitioned from the broker (proxy had "
                            + proxy.connections() + " connections, " + proxy.forwardedBytes() + " bytes)");
                    timeline.at(partitionAt.plusSeconds(1));
                    long bytesAtCut = proxy.forwardedBytes();
                    long committedAtCut = stack.counter().committed(stack.applicationId());
                    timeline.at(partitionAt.plus(duration));
                    long leaked = proxy.forwardedBytes() - bytesAtCut;
                    long committed = stack.counter().committed(stack.applicationId()) - committedAtCut;
                    long connections = proxy.connections();
                    proxy.heal();
                    long acknowledged = load.acknowledgedSoFar() - before;
                    facts.put(BYTES_DURING_PARTITION, leaked);
                    facts.put(COMMITTED_DURING_PARTITION, committed);
                    facts.put(ACKNOWLEDGED_DURING_FAULT, acknowledged);
                    notes.add(String.format(Locale.ROOT, "%s healed; while partitioned the proxy forwarded %,d bytes, the"
                            + " processor committed %,d offsets and had opened %d connections in all; the gateway"
                            + " acknowledged %,d events", timeline.now(), leaked, committed, connections, acknowledged));
                },
                (stack, facts, notes) -> {
                    List<String> lines = cutOffLines(stack.processor().logs());
                    facts.put(PROCESSOR_CUT_OFF_LINES, (long) lines.size());
                    // Kafka's clients give up on a request after 30 s (request.timeout.ms): a shorter partition may
                    // leave no trace in the processor's log, only in its offsets above.
                    notes.add(lines.isEmpty() ? "the processor's log reports no disconnection or timeout"
                            : lines.size() + " lines of the processor's log report disconnections or timeouts, first: "
                            + lines.get(0).strip());
                });
    }

    /**
     * SIGKILLs the processor {@code killAt} into the load and starts it again {@code down} later with the same state
     * directory and application id, while the gateway keeps accepting: the restarted processor faces the backlog.
     */
    public ScenarioResult processorRestart(Duration killAt, Duration down) throws Exception {
        return run("processor-restart", "kill processor at +" + format(killAt) + ", restart after " + format(down), false,
                (stack, timeline, load, facts, notes) -> {
                    timeline.at(killAt);
                    long before = load.acknowledgedSoFar();
                    int exit = stack.processor().kill();
                    notes.add(timeline.now() + " processor SIGKILLed (exit " + exit + "); " + before + " events acknowledged so far");
                    timeline.at(killAt.plus(down));
                    long backlog = stack.counter().lag(stack.applicationId());
                    facts.put(BACKLOG_AT_RESTART, backlog);
                    facts.put(ACKNOWLEDGED_DURING_FAULT, load.acknowledgedSoFar() - before);
                    notes.add(String.format(Locale.ROOT, "%s processor starting again: backlog %,d events on telemetry.metrics"
                            + " (its group's lag); %,d acknowledged while it was down", timeline.now(), backlog,
                            load.acknowledgedSoFar() - before));
                    stack.restartProcessor();
                    notes.add(timeline.now() + " processor ready (/health 200)");
                });
    }

    /** A fault, injected while the load runs; it may record measurements and notes. */
    @FunctionalInterface
    interface Fault {
        void inject(FaultStack stack, Timeline timeline, LoadGenerator load, Map<String, Long> facts, List<String> notes)
                throws Exception;
    }

    /** What a scenario looks at after counting, with the services still up. */
    @FunctionalInterface
    interface Afterwards {
        void inspect(FaultStack stack, Map<String, Long> facts, List<String> notes) throws Exception;
    }

    private ScenarioResult run(String scenario, String fault, boolean proxied, Fault inject) throws Exception {
        return run(scenario, fault, proxied, inject, (stack, facts, notes) -> { });
    }

    private ScenarioResult run(String scenario, String fault, boolean proxied, Fault inject, Afterwards afterwards)
            throws Exception {
        LoadSettings loadSettings = settings.load();
        String parameters = String.format(Locale.ROOT, "%s; load %s, %d clients x %d events/request%s; windows %s; %s",
                fault, format(loadSettings.duration()), loadSettings.clients(), loadSettings.batchSize(),
                loadSettings.eventsPerSecond() == 0 ? "" : " at most " + loadSettings.eventsPerSecond() + " events/s",
                settings.windows(),
                settings.launcher().fromJars() ? "from jars" : "from classpath");
        List<String> notes = new ArrayList<>();
        Map<String, Long> facts = new LinkedHashMap<>();
        long startingAt = System.nanoTime();
        Instant startedAt = Instant.now();
        ScenarioResult result;
        try (FaultStack stack = FaultStack.start(settings, scenario, proxied)) {
            notes.add(String.format(Locale.ROOT, "broker, gateway and processor ready in %.1fs (app %s)",
                    (System.nanoTime() - startingAt) / 1e9, stack.app()));
            Timeline timeline = new Timeline();
            LoadGenerator clients = LoadGenerator.start(loadSettings, stack.gatewayUrl(), stack.key());
            try {
                inject.inject(stack, timeline, clients, facts, notes);
            } catch (Exception | Error e) {
                clients.stop(); // the fault failed (e.g. the broker did not come back): no point loading on
                throw e;
            }
            LoadResult load = clients.join();
            Instant loadEnd = Instant.now();
            notes.add(timeline.now() + " load ended");

            RawCount raw = stack.counter().countRaw(stack.app(), loadSettings.metric(), load.acknowledgedIds());
            SummaryCount summaries = stack.counter().awaitSummaries(stack.app(), loadSettings.metric(), raw.events(),
                    stack.applicationId(), settings.windows().sizeAndGrace(), loadEnd,
                    loadEnd.plus(settings.windows().sizeAndGrace()).plus(settings.drainTimeout()), stack::processorFailure);
            notes.add(timeline.now() + " counted; processor " + stack.processorHealth());
            audit(stack, startedAt, facts, notes, timeline);
            long late = stack.late().total();
            afterwards.inspect(stack, facts, notes);
            result = new ScenarioResult(scenario, parameters, load.accepted(), load.acknowledged(),
                    load.acknowledgedIds().size(), load.unavailable(), load.otherStatus(), load.failed(),
                    load.eventsPerSecond(), raw.events(), raw.acknowledgedNotFound(), summaries.summarised(),
                    summaries.records(), summaries.windows(), late, summaries.outcome(), facts, notes, stack.runDir());
        }
        if (result.passed()) {
            // Hundreds of megabytes of topics and state that nobody needs when nothing was lost; logs and configs stay.
            FaultStack.deleteData(result.runDir());
        }
        return result;
    }

    /**
     * The auditor's reconciliation of the load's app ({@code ./telemetry audit}'s code): the raw records it counts
     * itself against the processor's account on {@code telemetry.audit}, window by window.
     */
    private static void audit(FaultStack stack, Instant startedAt, Map<String, Long> facts, List<String> notes,
                              Timeline timeline) {
        try {
            Reconciler account = new AuditReader(stack.bootstrapServers(), TopicCatalogue.defaults(),
                    Duration.ofSeconds(60)).read(startedAt.minus(Duration.ofMinutes(5)));
            List<AuditRow> rows = account.rows(startedAt.minus(Duration.ofMinutes(5)), Instant.now().plus(Duration.ofHours(1)),
                    stack.app());
            Map<AuditRow.Status, Long> by = new java.util.EnumMap<>(AuditRow.Status.class);
            for (AuditRow.Status status : AuditRow.Status.values()) {
                by.put(status, rows.stream().filter(r -> r.status() == status).count());
            }
            facts.put(AUDIT_MATCH, by.get(AuditRow.Status.MATCH));
            facts.put(AUDIT_MISMATCH, by.get(AuditRow.Status.MISMATCH));
            facts.put(AUDIT_PENDING, by.get(AuditRow.Status.PENDING));
            long published = rows.stream().mapToLong(AuditRow::published).sum();
            long summarised = rows.stream().mapToLong(AuditRow::summarised).sum();
            notes.add(String.format(Locale.ROOT, "%s audited: %d window(s) match, %d mismatch, %d pending;"
                            + " %,d records published, %,d summarised by the processor's account", timeline.now(),
                    by.get(AuditRow.Status.MATCH), by.get(AuditRow.Status.MISMATCH), by.get(AuditRow.Status.PENDING),
                    published, summarised));
            rows.stream().filter(r -> r.status() == AuditRow.Status.MISMATCH).limit(5).forEach(r -> notes.add(
                    "audit mismatch " + r.topic() + " " + r.windowStart() + ": published " + r.published()
                            + ", accounted " + r.accounted()));
        } catch (AuditReader.Unreachable e) {
            notes.add(timeline.now() + " audit could not read Kafka: " + e.getMessage());
        }
    }

    /** Where the processor's logs say its broker connections failed: the partition's evidence from its side. */
    static List<String> cutOffLines(List<Path> logs) {
        List<String> lines = new ArrayList<>();
        for (Path log : logs) {
            try (var stream = Files.lines(log)) {
                stream.filter(line -> CUT_OFF.matcher(line).find()).forEach(lines::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + log, e);
            }
        }
        return lines;
    }

    private static String format(Duration duration) {
        return Durations.format(duration);
    }
}
