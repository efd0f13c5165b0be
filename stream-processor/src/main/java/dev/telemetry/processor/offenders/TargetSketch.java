package dev.telemetry.processor.offenders;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The most frequent targets of a stream, in bounded memory: the Space-Saving heavy-hitters sketch (Metwally,
 * Agrawal, El Abbadi, "Efficient Computation of Frequent and Top-k Elements in Data Streams", ICDT 2005) with
 * {@code capacity} counters (k). A target already counted adds one to its counter; a new one takes a free counter
 * while there is one, else it replaces the counter with the smallest count (ties: the one ranked last, i.e. the
 * greatest target), inheriting that count plus one, with that count as its error. Hence, for every tracked target,
 * {@code count >= true count >= count - maxOvercount}; counts are exact (error 0) while at most {@code capacity}
 * distinct targets were seen; and any target seen more than {@code total / capacity} times is tracked.
 *
 * <p>Each counter also keeps the values of its target's items since it took the counter (its
 * {@code count - maxOvercount} items), for their p75: the values themselves up to {@link #EXACT_VALUES} (exact
 * nearest-rank percentile, as the summaries report for few values), then a DDSketch (1 % relative accuracy, at
 * most {@link #MAX_BINS} bins, lowest bins collapsing beyond: the sketch the summaries use, see
 * {@code WindowAggregate}). A DDSketch rather than a reservoir because it is deterministic: a task replaying the
 * same records after a crash, or restoring the state from its changelog, reports the same p75, which a random
 * reservoir would not; and its error is bounded relative to the value, not by luck of sampling. Memory per sketch
 * is therefore at most {@code capacity × (target + max(EXACT_VALUES doubles, MAX_BINS bins))}, whatever is sent.
 *
 * <p>Mutable, not thread-safe; {@link #serde()} stores it, counters in target order so equal sketches are equal
 * bytes.
 */
public final class TargetSketch {

    /** Up to this many values a counter keeps them all; beyond, a DDSketch alone. */
    public static final int EXACT_VALUES = 32;
    /** DDSketch's relative accuracy, as the summaries'. */
    static final double RELATIVE_ACCURACY = 0.01;
    /**
     * Bins of a counter's DDSketch. Poor values span little: at 1 % accuracy 512 bins cover values differing by a
     * factor of about 26 000 (LCP from 4 s to 29 hours); below that the lowest bins collapse.
     */
    static final int MAX_BINS = 512;
    private static final byte FORMAT = 1;
    private static final byte EXACT = 0;
    private static final byte SKETCHED = 1;

    /** Ranking order: highest count first, ties by target (so replays name the same). */
    private static final Comparator<Counter> RANKING = Comparator.comparingLong((Counter c) -> c.count).reversed()
            .thenComparing(c -> c.target);

    private final int capacity;
    private long total;
    private final Map<String, Counter> counters;

    public TargetSketch(int capacity) {
        this(capacity, 0, new HashMap<>());
    }

    private TargetSketch(int capacity, long total, Map<String, Counter> counters) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
        this.total = total;
        this.counters = counters;
    }

    /** The counters this sketch keeps at most (k). */
    public int capacity() {
        return capacity;
    }

    /** Every item added, tracked or not: the stream's length. */
    public long total() {
        return total;
    }

    /** Targets tracked now; never more than {@link #capacity()}. */
    public int size() {
        return counters.size();
    }

    /** Counts one item of {@code target} with {@code value}. */
    public void add(String target, double value) {
        total++;
        Counter counter = counters.get(target);
        if (counter != null) {
            counter.count++;
            counter.accept(value);
            return;
        }
        long inherited = 0;
        if (counters.size() >= capacity) {
            Counter smallest = null;
            for (Counter c : counters.values()) {
                if (smallest == null || RANKING.compare(c, smallest) > 0) {
                    smallest = c;
                }
            }
            counters.remove(smallest.target);
            inherited = smallest.count;
        }
        Counter taken = new Counter(target, inherited + 1, inherited);
        taken.accept(value);
        counters.put(target, taken);
    }

    /**
     * One tracked target.
     *
     * @param count        never below the true count
     * @param maxOvercount {@code count - maxOvercount} is never above the true count; 0: exact
     * @param p75          the nearest-rank 75th percentile of the values since the target took its counter
     *                     (DDSketch's, within 1 %, beyond {@link #EXACT_VALUES} values)
     */
    public record Estimate(String target, long count, long maxOvercount, double p75) {
    }

    /** The {@code n} targets with the highest counts, highest first, ties by target. */
    public List<Estimate> top(int n) {
        List<Counter> ranked = new ArrayList<>(counters.values());
        ranked.sort(RANKING);
        List<Estimate> top = new ArrayList<>(Math.min(n, ranked.size()));
        for (Counter c : ranked.subList(0, Math.min(n, ranked.size()))) {
            top.add(new Estimate(c.target, c.count, c.error, c.p75()));
        }
        return top;
    }

    /** One target's counter and the values of its items since it took the counter ({@code count - error} of them). */
    private static final class Counter {
        final String target;
        long count;
        final long error;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        /** The values while at most {@link #EXACT_VALUES} (the first {@link #tracked()}); null once sketched. */
        double[] exact = new double[4];
        DDSketch sketch;

        Counter(String target, long count, long error) {
            this.target = target;
            this.count = count;
            this.error = error;
        }

        /** The values this counter has seen: those of its items since it took the counter. */
        long tracked() {
            return count - error;
        }

        /** Records one more value; {@link #count} already includes it. */
        void accept(double value) {
            min = Math.min(min, value);
            max = Math.max(max, value);
            int n = (int) Math.min(Integer.MAX_VALUE, tracked());
            if (exact != null && n <= EXACT_VALUES) {
                if (n > exact.length) {
                    exact = Arrays.copyOf(exact, Math.min(EXACT_VALUES, exact.length * 2));
                }
                exact[n - 1] = value;
                return;
            }
            if (sketch == null) {
                sketch = newSketch();
                for (int i = 0; i < n - 1; i++) {
                    sketch.accept(exact[i]);
                }
                exact = null;
            }
            sketch.accept(value);
        }

        double p75() {
            if (exact != null) {
                double[] values = Arrays.copyOf(exact, (int) tracked());
                Arrays.sort(values);
                int rank = (int) Math.ceil(0.75 * values.length);
                return values[Math.max(0, rank - 1)];
            }
            // The sketch's bucket midpoints can fall a hair outside the exact range; clamp to it.
            return Math.max(min, Math.min(max, sketch.getValueAtQuantile(0.75)));
        }
    }

    private static DDSketch newSketch() {
        return DDSketches.collapsingLowestDense(RELATIVE_ACCURACY, MAX_BINS);
    }

    /** Binary, for the processor's state store: format, capacity, total, then each counter in target order. */
    public static Serde<TargetSketch> serde() {
        Serializer<TargetSketch> serializer = (topic, sketch) -> sketch == null ? null : sketch.toBytes();
        Deserializer<TargetSketch> deserializer = (topic, bytes) -> bytes == null ? null : fromBytes(bytes);
        return Serdes.serdeFrom(serializer, deserializer);
    }

    byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + counters.size() * 64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeInt(capacity);
            out.writeLong(total);
            out.writeInt(counters.size());
            List<Counter> ordered = new ArrayList<>(counters.values());
            ordered.sort(Comparator.comparing(c -> c.target));
            for (Counter c : ordered) {
                out.writeUTF(c.target);
                out.writeLong(c.count);
                out.writeLong(c.error);
                out.writeDouble(c.min);
                out.writeDouble(c.max);
                if (c.exact != null) {
                    out.writeByte(EXACT);
                    int n = (int) c.tracked();
                    for (int i = 0; i < n; i++) {
                        out.writeDouble(c.exact[i]);
                    }
                } else {
                    out.writeByte(SKETCHED);
                    GrowingByteArrayOutput sketchBytes = GrowingByteArrayOutput.withInitialCapacity(64);
                    c.sketch.encode(sketchBytes, false);
                    out.writeInt(sketchBytes.numWrittenBytes());
                    out.write(sketchBytes.backingArray(), 0, sketchBytes.numWrittenBytes());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static TargetSketch fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new SerializationException("unknown target sketch format " + format);
            }
            int capacity = in.readInt();
            long total = in.readLong();
            int size = in.readInt();
            Map<String, Counter> counters = new HashMap<>(Math.max(16, size * 2));
            for (int i = 0; i < size; i++) {
                Counter c = new Counter(in.readUTF(), in.readLong(), in.readLong());
                c.min = in.readDouble();
                c.max = in.readDouble();
                if (in.readByte() == EXACT) {
                    int n = (int) c.tracked();
                    c.exact = new double[Math.max(4, n)];
                    for (int j = 0; j < n; j++) {
                        c.exact[j] = in.readDouble();
                    }
                } else {
                    c.exact = null;
                    byte[] sketchBytes = new byte[in.readInt()];
                    in.readFully(sketchBytes);
                    c.sketch = newSketch();
                    c.sketch.decodeAndMergeWith(ByteArrayInput.wrap(sketchBytes));
                }
                counters.put(c.target, c);
            }
            return new TargetSketch(capacity, total, counters);
        } catch (IOException e) {
            throw new SerializationException("cannot read a target sketch: " + e.getMessage(), e);
        }
    }
}
