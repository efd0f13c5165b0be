package dev.telemetry.processor.window;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;
import dev.telemetry.events.derived.Summary;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The running statistics of one series in one open window: exact count, sum, min and max, the values themselves
 * while there are few ({@link #EXACT_VALUES}: exact nearest-rank percentiles), a DDSketch for percentiles beyond,
 * and rating counts for rated vitals. Mutable on purpose: {@link HotAggregateStore} keeps hot
 * aggregates as objects between commits, and copying a sketch per event is what makes windowing slow.
 */
public final class WindowAggregate {

    /** DDSketch's relative accuracy: every percentile is within 1 % of the exact value at its rank. */
    public static final double RELATIVE_ACCURACY = 0.01;
    /**
     * Bins per sign. At 1 % accuracy 2048 bins span values differing by a factor of about 10^17, more than
     * any metric here; beyond that the lowest bins collapse, so memory stays bounded whatever is sent.
     */
    static final int MAX_BINS = 2048;
    /**
     * Up to this many values a window keeps them all and reports exact nearest-rank percentiles: a sketch's
     * quantile of a handful of values is one of its bins' lower edges (two values 13 and 282.7 gave p50 … p99 = 13,
     * so a p95 rule on a quiet endpoint never saw its one slow request). Beyond it, the sketch alone.
     */
    public static final int EXACT_VALUES = 256;
    private static final double[] QUANTILES = {0.50, 0.75, 0.90, 0.95, 0.99};
    /** Format 1: no exact values (written before they were kept); 2: with them while the window holds few. */
    private static final byte FORMAT_SKETCH_ONLY = 1;
    private static final byte FORMAT = 2;

    private final String app;
    private final String metric;
    private final String series;
    private final Map<String, String> labels;
    private long count;
    private double sum;
    private double min;
    private double max;
    private final DDSketch sketch;
    /** good, needs-improvement, poor; null when the series is not a rated vital. */
    private final long[] ratings;
    /** Every value so far while there are at most {@link #EXACT_VALUES} (the first {@code count}); else null. */
    private double[] exact;

    private WindowAggregate(String app, String metric, String series, Map<String, String> labels, long count,
                            double sum, double min, double max, DDSketch sketch, long[] ratings, double[] exact) {
        this.app = app;
        this.metric = metric;
        this.series = series;
        this.labels = labels;
        this.count = count;
        this.sum = sum;
        this.min = min;
        this.max = max;
        this.sketch = sketch;
        this.ratings = ratings;
        this.exact = exact;
    }

    static WindowAggregate first(SeriesObservation o) {
        long[] ratings = o.rated() ? new long[3] : null;
        WindowAggregate aggregate = new WindowAggregate(o.app(), o.metric(), o.series(), o.labels(), 0, 0,
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, newSketch(), ratings, new double[4]);
        aggregate.add(o.value());
        return aggregate;
    }

    private static DDSketch newSketch() {
        return DDSketches.collapsingLowestDense(RELATIVE_ACCURACY, MAX_BINS);
    }

    /** Adds one observation in place. */
    void add(double value) {
        if (exact != null) {
            if (count == EXACT_VALUES) {
                exact = null;
            } else {
                if (count == exact.length) {
                    exact = Arrays.copyOf(exact, Math.min(EXACT_VALUES, exact.length * 2));
                }
                exact[(int) count] = value;
            }
        }
        count++;
        sum += value;
        min = Math.min(min, value);
        max = Math.max(max, value);
        sketch.accept(value);
        if (ratings != null) {
            ratings[VitalRatings.of(metric, value).ordinal()]++;
        }
    }

    long count() {
        return count;
    }

    public Summary toSummary(Instant windowStart, Instant windowEnd) {
        double[] p = exact != null ? nearestRank(Arrays.copyOf(exact, (int) count))
                : sketch.getValuesAtQuantiles(QUANTILES);
        Summary.Ratings rated = ratings == null ? null : new Summary.Ratings(ratings[0], ratings[1], ratings[2]);
        // The sketch's bucket midpoints can fall a hair outside the exact range; clamp, as the exact
        // min and max are known.
        return new Summary(Summary.SCHEMA_VERSION, app, metric, series, labels, windowStart, windowEnd, count, sum,
                min, max, sum / count, clamp(p[0]), clamp(p[1]), clamp(p[2]), clamp(p[3]), clamp(p[4]), rated);
    }

    /** The nearest-rank percentile: the smallest value with at least p of all values at or below it. */
    private static double[] nearestRank(double[] values) {
        Arrays.sort(values);
        double[] p = new double[QUANTILES.length];
        for (int i = 0; i < QUANTILES.length; i++) {
            int rank = (int) Math.ceil(QUANTILES[i] * values.length);
            p[i] = values[Math.max(0, rank - 1)];
        }
        return p;
    }

    private double clamp(double value) {
        return Math.max(min, Math.min(max, value));
    }

    /**
     * The store's compact binary form: a format byte, the identity, the exact statistics, the ratings, and
     * the sketch in DDSketch's own variable-length encoding (a few bytes per non-empty bin).
     */
    public static Serde<WindowAggregate> serde() {
        Serializer<WindowAggregate> serializer = (topic, a) -> a == null ? null : a.encode();
        Deserializer<WindowAggregate> deserializer = (topic, bytes) -> bytes == null ? null : decode(bytes);
        return Serdes.serdeFrom(serializer, deserializer);
    }

    private byte[] encode() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(FORMAT);
            out.writeUTF(app);
            out.writeUTF(metric);
            out.writeUTF(series);
            out.writeShort(labels.size());
            for (Map.Entry<String, String> label : new TreeMap<>(labels).entrySet()) {
                out.writeUTF(label.getKey());
                out.writeUTF(label.getValue());
            }
            out.writeLong(count);
            out.writeDouble(sum);
            out.writeDouble(min);
            out.writeDouble(max);
            out.writeBoolean(ratings != null);
            if (ratings != null) {
                for (long r : ratings) {
                    out.writeLong(r);
                }
            }
            GrowingByteArrayOutput sketchBytes = GrowingByteArrayOutput.withInitialCapacity(64);
            sketch.encode(sketchBytes, false);
            out.writeInt(sketchBytes.numWrittenBytes());
            out.write(sketchBytes.backingArray(), 0, sketchBytes.numWrittenBytes());
            out.writeBoolean(exact != null);
            if (exact != null) {
                for (int i = 0; i < count; i++) {
                    out.writeDouble(exact[i]);
                }
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
    }

    private static WindowAggregate decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
            byte format = in.readByte();
            if (format != FORMAT && format != FORMAT_SKETCH_ONLY) {
                throw new SerializationException("unknown window aggregate format " + format);
            }
            String app = in.readUTF();
            String metric = in.readUTF();
            String series = in.readUTF();
            int labelCount = in.readShort();
            Map<String, String> labels = new TreeMap<>();
            for (int i = 0; i < labelCount; i++) {
                labels.put(in.readUTF(), in.readUTF());
            }
            long count = in.readLong();
            double sum = in.readDouble();
            double min = in.readDouble();
            double max = in.readDouble();
            long[] ratings = null;
            if (in.readBoolean()) {
                ratings = new long[] {in.readLong(), in.readLong(), in.readLong()};
            }
            byte[] sketchBytes = new byte[in.readInt()];
            in.readFully(sketchBytes);
            DDSketch sketch = newSketch();
            sketch.decodeAndMergeWith(ByteArrayInput.wrap(sketchBytes));
            // An aggregate stored before exact values were kept goes on with the sketch alone.
            double[] exact = null;
            if (format == FORMAT && in.readBoolean()) {
                exact = new double[(int) count];
                for (int i = 0; i < count; i++) {
                    exact[i] = in.readDouble();
                }
            }
            return new WindowAggregate(app, metric, series, Map.copyOf(labels), count, sum, min, max, sketch, ratings,
                    exact);
        } catch (IOException e) {
            throw new SerializationException("corrupt window aggregate", e);
        }
    }
}
