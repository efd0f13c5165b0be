package dev.telemetry.processor.stage;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * What the topology's state stores are built on. Every processor builds its key-value stores through
 * {@link #keyValueStore}, so the processors' logic is the same code whatever the kind; only the store supplier
 * differs.
 */
public enum StateStoreKind {

    /** RocksDB on the state directory, changelogged: the processor as deployed (restarts, migrations, exactly-once). */
    PERSISTENT,

    /**
     * In the heap, without changelogs: for a throw-away run whose state outlives nothing (the rule lab's replays
     * on {@code TopologyTestDriver}, which commits, and so flushes every store, after every record). The stores hold
     * what the persistent ones would (the processors prune them the same way), so memory stays bounded as on disk.
     */
    IN_MEMORY;

    /** The builder of the key-value store {@code name} of this kind. */
    public <K, V> StoreBuilder<KeyValueStore<K, V>> keyValueStore(String name, Serde<K> keys, Serde<V> values) {
        StoreBuilder<KeyValueStore<K, V>> builder = Stores.keyValueStoreBuilder(supplier(name), keys, values);
        return this == IN_MEMORY ? builder.withLoggingDisabled() : builder;
    }

    private KeyValueBytesStoreSupplier supplier(String name) {
        return this == IN_MEMORY ? Stores.inMemoryKeyValueStore(name) : Stores.persistentKeyValueStore(name);
    }
}
