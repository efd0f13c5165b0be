package dev.telemetry.rulelab.backtest;

import dev.telemetry.events.topic.Topic;
import dev.telemetry.processor.erroralerts.ErrorAlertsProcessor;
import dev.telemetry.processor.intake.Decoded;
import dev.telemetry.processor.intake.DecodedSerde;
import dev.telemetry.processor.intake.PoisonApp;
import dev.telemetry.rulelab.backtest.Backtest.RuleReport;
import dev.telemetry.rulelab.replay.LabSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One backtest per rule set over history, its apps replayed in parallel: every app has a {@link Backtest} (its own
 * {@link dev.telemetry.rulelab.replay.Replay}, its own driver and stores) per rule set, and the apps are spread over
 * {@code threads} worker threads. Every key the topology groups by (series, app, {@code slo|app},
 * {@code rule|app}) lies within one app, and the gateway keys every record {@code app|series}, so each app's records
 * are all its computations need. The report is the same for any number of threads: each app has a driver of its
 * own whatever the thread count, and the reports are merged in a total order ({@link Backtest#merge}).
 *
 * <p>What the apps still shared in one driver was its wall clock, which every record moved: the wall-clock
 * punctuators (windows closed for quiet series, SLO windows, rollups, the error fingerprints' sweep) ran at the
 * first record (of any app) at or after each due time. To keep that, the records' order is one global order (the
 * reader's), and at the first record at or after each point of the punctuators' common grid every driver's clock
 * moves there ({@link Backtest#tick}), in that place of the order, before the record. What one driver per app no
 * longer shares is stream time: an app's events move its own windows' watermark, not the other apps' (see the
 * README).
 *
 * <p>The caller's thread routes ({@link #accept}); each worker takes batches from a bounded queue, so memory stays
 * bounded however long the history. What a worker throws fails the run: {@link #accept} and {@link #finish} rethrow
 * it.
 *
 * <p>While at most {@value #PREDECODE_MAX_BUSY_WORKERS} workers have apps to replay, the caller's thread also decodes
 * each record's value, with the topology's own function ({@link DecodedSerde#decode}), and hands it on with the
 * bytes: the worker's topology takes it instead of decoding again ({@link Backtest#accept(Topic, byte[], byte[],
 * Decoded, Instant)}). Decoding was a third of a replaying thread's time, and the caller's thread otherwise only
 * routes; with more workers busy, one thread decoding for all would hold them back, so they decode their own.
 * Either way each record is decoded by the same function into the same value, so the report is the same.
 */
final class ParallelBacktest implements AutoCloseable {

    private static final int BATCH_CAPACITY = 1_024;
    private static final int BATCHES_AHEAD = 4;
    /** The caller's thread decodes for the workers while no more of them than this have apps. */
    static final int PREDECODE_MAX_BUSY_WORKERS = 2;

    private final List<LabSettings> ruleSets;
    private final Instant from;
    private final Instant to;
    private final Duration flapWithin;
    private final List<Worker> workers = new ArrayList<>();
    /** Router's: which worker replays each app, assigned round-robin as apps first appear. */
    private final Map<String, Worker> workerOfApp = new HashMap<>();
    private final long tickOrigin;
    private final long tickInterval;
    private long nextTick;
    private volatile Throwable failure;
    private volatile boolean closing;
    private boolean finished;

    /** How an app's run of one rule set is made (tests: one that fails). */
    @FunctionalInterface
    interface Runs {
        Backtest start(LabSettings settings, String app);
    }

    private final Runs runs;
    /** Router's: decodes as the topologies' sources do; the raw topics' names as the first rule set's topology reads them. */
    private final DecodedSerde decoder = new DecodedSerde();
    private final Map<Topic, String> topicNames = new EnumMap<>(Topic.class);
    /** Whether the router decodes (tests: never, or always). */
    private final Predecode predecode;

    /** When the caller's thread decodes records for the workers. */
    enum Predecode { NEVER, WHILE_FEW_WORKERS_BUSY, ALWAYS }

    /** @param threads worker threads, at least 1 */
    ParallelBacktest(List<LabSettings> ruleSets, Instant from, Instant to, Duration flapWithin, int threads) {
        this(ruleSets, from, to, flapWithin, threads, null);
    }

    /** @param runs null: {@code new Backtest(settings, from, to, flapWithin)} */
    ParallelBacktest(List<LabSettings> ruleSets, Instant from, Instant to, Duration flapWithin, int threads,
                     Runs runs) {
        this(ruleSets, from, to, flapWithin, threads, runs, Predecode.WHILE_FEW_WORKERS_BUSY);
    }

    /** @param predecode when the caller's thread decodes the records' values for the workers */
    ParallelBacktest(List<LabSettings> ruleSets, Instant from, Instant to, Duration flapWithin, int threads,
                     Runs runs, Predecode predecode) {
        this.runs = runs != null ? runs : (settings, app) -> new Backtest(settings, from, to, flapWithin);
        this.predecode = predecode;
        if (threads < 1) {
            throw new IllegalArgumentException("threads: " + threads + " is not at least 1");
        }
        if (ruleSets.isEmpty()) {
            throw new IllegalArgumentException("no rule set");
        }
        this.ruleSets = List.copyOf(ruleSets);
        for (Topic topic : HistoryReader.RAW_TOPICS) {
            topicNames.put(topic, this.ruleSets.get(0).processorSettings().topics().name(topic));
        }
        this.from = from;
        this.to = to;
        this.flapWithin = flapWithin;
        // Every wall-clock punctuator of every rule set's drivers is due on a grid from its run's start; one grid
        // holds them all: the greatest common divisor of the intervals and of the starts' offsets.
        long origin = Backtest.runStart(this.ruleSets.get(0), from).toEpochMilli();
        long interval = 0;
        for (LabSettings s : this.ruleSets) {
            interval = gcd(interval, s.closeCheckInterval().toMillis());
            interval = gcd(interval, ErrorAlertsProcessor.sweepInterval(
                    s.detection().forgetFingerprintsAfter().toMillis()).toMillis());
            interval = gcd(interval, Math.abs(Backtest.runStart(s, from).toEpochMilli() - origin));
        }
        this.tickOrigin = origin;
        this.tickInterval = Math.max(1, interval);
        this.nextTick = origin + tickInterval;
        for (int i = 0; i < threads; i++) {
            Worker w = new Worker();
            w.thread = new Thread(w, "telemetry-backtest-replay-" + i);
            w.thread.setDaemon(true);
            workers.add(w);
        }
        workers.forEach(w -> w.thread.start());
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return Math.abs(a);
    }

    /** The app a record belongs to, as the topology names it: its key's part before the first '|'. */
    static String appOf(byte[] key) {
        if (key == null) {
            return PoisonApp.of(null);
        }
        int bar = 0;
        while (bar < key.length && key[bar] != '|') {
            bar++;
        }
        return PoisonApp.of(new String(key, 0, bar, StandardCharsets.UTF_8));
    }

    /** One record, in the global order (on the caller's thread). */
    void accept(Topic topic, byte[] key, byte[] value, Instant appendedAt) {
        rethrowFailure();
        long time = appendedAt.toEpochMilli();
        String app = appOf(key);
        Worker owner = workerOfApp.computeIfAbsent(app, a -> workers.get(workerOfApp.size() % workers.size()));
        if (time >= nextTick) {
            nextTick = tickOrigin + (Math.floorDiv(time - tickOrigin, tickInterval) + 1) * tickInterval;
            for (Worker w : workers) {
                w.add(null, app, null, null, null, time);
            }
        }
        owner.add(topic, app, key, value, predecoded(topic, value), time);
    }

    /** {@code value} decoded as the topology's source would decode it, if this thread decodes for the workers. */
    private Decoded predecoded(Topic topic, byte[] value) {
        boolean decode = switch (predecode) {
            case NEVER -> false;
            case ALWAYS -> true;
            case WHILE_FEW_WORKERS_BUSY -> Math.min(workerOfApp.size(), workers.size()) <= PREDECODE_MAX_BUSY_WORKERS;
        };
        String name = topicNames.get(topic);
        return decode && name != null ? decoder.decode(name, value) : null;
    }

    /**
     * Every rule set's reports, in the order given (the wall clock moved on to {@code to} in every app's run, as
     * {@link Backtest#finish()}), and what the topology could not decode.
     */
    Result finish() {
        if (finished) {
            throw new IllegalStateException("finished already");
        }
        finished = true;
        for (Worker w : workers) {
            w.flush();
            w.put(Batch.END);
        }
        for (Worker w : workers) {
            try {
                w.thread.join();
            } catch (InterruptedException e) {
                throw new org.apache.kafka.common.errors.InterruptException(e);
            }
        }
        rethrowFailure();
        // Per rule set, every app's reports, apps in name order.
        Map<String, List<List<RuleReport>>> byApp = new TreeMap<>();
        long undecodable = 0;
        for (Worker w : workers) {
            byApp.putAll(w.reports);
            undecodable += w.undecodable;
        }
        List<List<RuleReport>> reports = new ArrayList<>();
        for (int i = 0; i < ruleSets.size(); i++) {
            List<List<RuleReport>> parts = new ArrayList<>();
            for (List<List<RuleReport>> app : byApp.values()) {
                parts.add(app.get(i));
            }
            if (parts.isEmpty()) {
                try (Backtest empty = new Backtest(ruleSets.get(i), from, to, flapWithin)) {
                    parts.add(empty.finish());
                }
            }
            reports.add(Backtest.merge(parts));
        }
        return new Result(List.copyOf(reports), undecodable);
    }

    /**
     * @param reports     per rule set, in the order given
     * @param undecodable records the topology could not decode (the first rule set's count: all saw the same)
     */
    record Result(List<List<RuleReport>> reports, long undecodable) {
    }

    private void fail(Throwable t) {
        synchronized (this) {
            if (failure == null && !closing) {
                failure = t;
            }
        }
    }

    /** What a worker threw, as replaying on this thread would have thrown it. */
    private void rethrowFailure() {
        Throwable t = failure;
        if (t == null) {
            return;
        }
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("replaying history failed", t);
    }

    /** Stops the workers (if the run did not finish) and waits for them: each closes its apps' runs. */
    @Override
    public void close() {
        closing = true;
        for (Worker w : workers) {
            w.thread.interrupt();
        }
        for (Worker w : workers) {
            HistoryReader.joinUninterruptibly(w.thread);
        }
    }

    /** Records (and clock ticks: no topic) of one hand-over, in order. */
    private static final class Batch {
        static final Batch END = new Batch();

        final Topic[] topics = new Topic[BATCH_CAPACITY];
        final String[] apps = new String[BATCH_CAPACITY];
        final byte[][] keys = new byte[BATCH_CAPACITY][];
        final byte[][] values = new byte[BATCH_CAPACITY][];
        /** Each value decoded by the router, or null (the topology decodes it). */
        final Decoded[] decoded = new Decoded[BATCH_CAPACITY];
        final long[] times = new long[BATCH_CAPACITY];
        int size;
    }

    /** One worker thread and the runs of its apps. */
    private final class Worker implements Runnable {
        final BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(BATCHES_AHEAD);
        Thread thread;
        /** Router's: the batch being filled. */
        Batch filling = new Batch();
        /** Worker's: each app's backtests, one per rule set. */
        final Map<String, List<Backtest>> apps = new LinkedHashMap<>();
        /** Worker's: the latest tick, where a new app's runs start from; Long.MIN_VALUE none yet. */
        long lastTick = Long.MIN_VALUE;
        /** Written by the worker before it ends; read after join. */
        final Map<String, List<List<RuleReport>>> reports = new HashMap<>();
        long undecodable;

        /**
         * A record, or with {@code topic} null a tick: every app's clock moves to {@code time}, but {@code app}'s,
         * whose record at that time follows.
         */
        void add(Topic topic, String app, byte[] key, byte[] value, Decoded decoded, long time) {
            Batch b = filling;
            b.topics[b.size] = topic;
            b.apps[b.size] = app;
            b.keys[b.size] = key;
            b.values[b.size] = value;
            b.decoded[b.size] = decoded;
            b.times[b.size] = time;
            if (++b.size == BATCH_CAPACITY) {
                flush();
            }
        }

        void flush() {
            if (filling.size > 0) {
                put(filling);
                filling = new Batch();
            }
        }

        /** Waits for room; what a worker threw meanwhile is rethrown. */
        void put(Batch batch) {
            try {
                while (!queue.offer(batch, 100, TimeUnit.MILLISECONDS)) {
                    rethrowFailure();
                }
            } catch (InterruptedException e) {
                throw new org.apache.kafka.common.errors.InterruptException(e);
            }
            rethrowFailure();
        }

        @Override
        public void run() {
            try {
                while (true) {
                    Batch batch = queue.take();
                    if (batch == Batch.END) {
                        break;
                    }
                    replay(batch);
                }
                for (Map.Entry<String, List<Backtest>> app : apps.entrySet()) {
                    List<List<RuleReport>> perRuleSet = new ArrayList<>();
                    for (Backtest b : app.getValue()) {
                        perRuleSet.add(b.finish());
                    }
                    reports.put(app.getKey(), perRuleSet);
                    undecodable += app.getValue().get(0).undecodable();
                }
            } catch (InterruptedException e) {
                // Stopped: close() or the run failed elsewhere.
                fail(e);
            } catch (Throwable t) {
                fail(t);
            } finally {
                // Closed uninterrupted (a driver's close touches files, which an interrupt would break off), each
                // whatever the others do.
                Thread.interrupted();
                for (List<Backtest> runs : apps.values()) {
                    for (Backtest b : runs) {
                        try {
                            b.close();
                        } catch (RuntimeException e) {
                            fail(e);
                        }
                    }
                }
            }
        }

        private void replay(Batch batch) {
            for (int i = 0; i < batch.size; i++) {
                Instant at = Instant.ofEpochMilli(batch.times[i]);
                String app = batch.apps[i];
                if (batch.topics[i] == null) {
                    lastTick = batch.times[i];
                    for (Map.Entry<String, List<Backtest>> runs : apps.entrySet()) {
                        if (!runs.getKey().equals(app)) {
                            runs.getValue().forEach(b -> b.tick(at));
                        }
                    }
                    continue;
                }
                List<Backtest> runs = apps.get(app);
                if (runs == null) {
                    runs = start(app);
                }
                for (Backtest b : runs) {
                    b.accept(batch.topics[i], batch.keys[i], batch.values[i], batch.decoded[i], at);
                }
            }
        }

        /** The runs of an app first seen: as if they had run from the start, ticked like every other app's. */
        private List<Backtest> start(String app) {
            List<Backtest> runs = new ArrayList<>();
            apps.put(app, runs);
            for (LabSettings settings : ruleSets) {
                runs.add(ParallelBacktest.this.runs.start(settings, app));
            }
            if (lastTick != Long.MIN_VALUE) {
                Instant at = Instant.ofEpochMilli(lastTick);
                runs.forEach(b -> b.tick(at));
            }
            return runs;
        }
    }
}
