package dev.telemetry.processor.window;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A store of mutable aggregates updated on every event (the open windows, the audit's counts), with the hot ones
 * kept as objects: {@code put} only remembers the (mutable) aggregate,
 * and dirty aggregates are encoded and written to the changelogged store once, when Streams flushes its
 * caches right before the producer flush and the transaction commit. Encoding and decoding a DDSketch on
 * every event is what made a naive windowed topology several times slower than its input consumer.
 *
 * <p>Exactly-once holds because the dirty aggregates reach the changelog inside the same transaction as the
 * input offsets they reflect: Streams calls {@link #flushCache()} in {@code prepareCommit} (Kafka Streams 4.4
 * {@code ProcessorStateManager.flushCache}, for every {@link CachedStateStore}) before flushing the record
 * collector. A crash before that loses the dirty map and the uncommitted offsets together, and the task
 * re-reads those records; {@link #clearCache()} (task revoked or corrupted) drops them for the same reason.
 * {@code CachedStateStore} is an internal interface: an upgrade of Kafka Streams must re-check this.
 */
public final class HotAggregateStore<V> implements KeyValueStore<Bytes, V>, CachedStateStore<Bytes, V> {

    private final KeyValueStore<Bytes, V> inner;
    private final boolean writeOnCommit;
    private final Map<Bytes, V> dirty = new HashMap<>();

    private HotAggregateStore(KeyValueStore<Bytes, V> inner, boolean writeOnCommit) {
        this.inner = inner;
        this.writeOnCommit = writeOnCommit;
    }

    /**
     * Wraps the builder of a regular (metered) key-value store.
     *
     * @param writeOnCommit whether the dirty aggregates are written at every commit, as exactly-once needs of a
     *                      changelogged store; without (a throw-away in-memory run, which commits after every record
     *                      on {@code TopologyTestDriver}) they are written only before a scan, the one read that goes
     *                      to the inner store, and the aggregates of open windows stay objects between records
     */
    public static <V> StoreBuilder<HotAggregateStore<V>> builder(StoreBuilder<KeyValueStore<Bytes, V>> inner,
                                                   boolean writeOnCommit) {
        return new StoreBuilder<>() {
            @Override
            public StoreBuilder<HotAggregateStore<V>> withCachingEnabled() {
                inner.withCachingEnabled();
                return this;
            }

            @Override
            public StoreBuilder<HotAggregateStore<V>> withCachingDisabled() {
                inner.withCachingDisabled();
                return this;
            }

            @Override
            public StoreBuilder<HotAggregateStore<V>> withLoggingEnabled(Map<String, String> config) {
                inner.withLoggingEnabled(config);
                return this;
            }

            @Override
            public StoreBuilder<HotAggregateStore<V>> withLoggingDisabled() {
                inner.withLoggingDisabled();
                return this;
            }

            @Override
            public HotAggregateStore<V> build() {
                return new HotAggregateStore<>(inner.build(), writeOnCommit);
            }

            @Override
            public Map<String, String> logConfig() {
                return inner.logConfig();
            }

            @Override
            public boolean loggingEnabled() {
                return inner.loggingEnabled();
            }

            @Override
            public String name() {
                return inner.name();
            }
        };
    }

    /** Writes every dirty aggregate to the inner store. */
    private void writeDirty() {
        if (dirty.isEmpty()) {
            return;
        }
        List<KeyValue<Bytes, V>> entries = new ArrayList<>(dirty.size());
        dirty.forEach((k, v) -> entries.add(KeyValue.pair(k, v)));
        dirty.clear();
        inner.putAll(entries);
    }

    @Override
    public void put(Bytes key, V value) {
        if (value == null) {
            delete(key);
        } else {
            dirty.put(key, value);
        }
    }

    @Override
    public V putIfAbsent(Bytes key, V value) {
        V existing = get(key);
        if (existing == null) {
            put(key, value);
        }
        return existing;
    }

    @Override
    public void putAll(List<KeyValue<Bytes, V>> entries) {
        entries.forEach(e -> put(e.key, e.value));
    }

    @Override
    public V delete(Bytes key) {
        V hot = dirty.remove(key);
        V stored = inner.delete(key);
        return hot != null ? hot : stored;
    }

    @Override
    public V get(Bytes key) {
        V hot = dirty.get(key);
        return hot != null ? hot : inner.get(key);
    }

    // Scans are rare (a window closing) and see everything once the dirty aggregates are written.
    @Override
    public KeyValueIterator<Bytes, V> range(Bytes from, Bytes to) {
        writeDirty();
        return inner.range(from, to);
    }

    @Override
    public KeyValueIterator<Bytes, V> all() {
        writeDirty();
        return inner.all();
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<Bytes, V> prefixScan(P prefix, PS serializer) {
        writeDirty();
        return inner.prefixScan(prefix, serializer);
    }

    @Override
    public long approximateNumEntries() {
        return inner.approximateNumEntries() + dirty.size();
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        inner.init(context, root);
    }

    @Override
    public void flush() {
        if (writeOnCommit) {
            writeDirty();
        }
        inner.flush();
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        if (writeOnCommit) {
            writeDirty();
        }
        inner.commit(changelogOffsets);
    }

    @Override
    public Long committedOffset(TopicPartition partition) {
        return inner.committedOffset(partition);
    }

    @Override
    public boolean managesOffsets() {
        return inner.managesOffsets();
    }

    @Override
    public void flushCache() {
        if (writeOnCommit) {
            writeDirty();
        }
        if (inner instanceof CachedStateStore<?, ?> cached) {
            cached.flushCache();
        }
    }

    @Override
    public void clearCache() {
        dirty.clear();
        if (inner instanceof CachedStateStore<?, ?> cached) {
            cached.clearCache();
        }
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<Bytes, V> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public void close() {
        dirty.clear();
        inner.close();
    }

    @Override
    public boolean persistent() {
        return inner.persistent();
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return inner.query(query, positionBound, config);
    }

    @Override
    public Position getPosition() {
        return inner.getPosition();
    }

    @Override
    public long approximateNumUncommittedBytes() {
        return inner.approximateNumUncommittedBytes();
    }
}
