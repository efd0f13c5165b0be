package dev.telemetry.rulelab.replay;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.Env;
import org.rocksdb.Options;
import org.rocksdb.RocksMemEnv;

/**
 * Keeps a run's RocksDB stores in memory (RocksDB's own {@link RocksMemEnv}): the same store engine and the same
 * processors as live, without a disk. A fresh RocksDB on disk syncs its manifest when it opens, and a run opens
 * one per state store (some twenty), which made every test cost a second or more of waiting on the disk; the
 * run's state is thrown away anyway.
 *
 * <p>Each run has its own environment, found through the run id in the streams configuration and closed with the
 * run ({@link #release}).
 */
public final class InMemoryRocksDb implements RocksDBConfigSetter {

    /** The streams configuration key that names the run. */
    public static final String RUN_ID = "rule-lab.run-id";

    private static final Map<String, Env> ENVS = new ConcurrentHashMap<>();

    /** A new run's id, with its environment ready. */
    static String register() {
        String id = UUID.randomUUID().toString();
        ENVS.put(id, new RocksMemEnv(Env.getDefault()));
        return id;
    }

    /** Frees the run's environment: after its stores were closed. */
    static void release(String id) {
        Env env = ENVS.remove(id);
        if (env != null) {
            env.close();
        }
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Object id = Objects.requireNonNull(configs.get(RUN_ID), RUN_ID);
        Env env = ENVS.get(id.toString());
        if (env == null) {
            throw new IllegalStateException("no in-memory environment for run " + id);
        }
        options.setEnv(env);
    }

    @Override
    public void close(String storeName, Options options) {
    }
}
