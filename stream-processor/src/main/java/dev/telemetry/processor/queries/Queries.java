package dev.telemetry.processor.queries;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.derived.Summary;
import dev.telemetry.processor.evaluation.AlertRuleProcessor;
import dev.telemetry.processor.rules.AlertState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Interactive queries for analysts, over this instance's stores: the latest summary of each series and the
 * active (pending or firing) alerts. With several instances each answers for the partitions it owns.
 */
public final class Queries {

    /** At most this many entries per answer: an HTTP response, not an export. */
    static final int LIMIT = 1000;

    private final KafkaStreams streams;

    public Queries(KafkaStreams streams) {
        this.streams = streams;
    }

    /** The latest closed-window summary of every series (of the partitions this instance owns), as on the topic. */
    public JsonNode recentSummaries() {
        List<Summary> out = new ArrayList<>();
        for (KeyValue<String, Summary> entry : all(AlertRuleProcessor.RECENT_SUMMARIES_STORE, Summary.class)) {
            out.add(entry.value);
        }
        return json(out);
    }

    /** Pending and firing alerts by fingerprint. */
    public JsonNode activeAlerts() {
        Map<String, AlertState> out = new LinkedHashMap<>();
        for (KeyValue<String, AlertState> entry : all(AlertRuleProcessor.STATES_STORE, AlertState.class)) {
            out.put(entry.key, entry.value);
        }
        return json(out);
    }

    /** Through the pipeline's codec, so the answer has the topics' JSON shape (ISO instants). */
    private static JsonNode json(Object value) {
        try {
            return TREE.readTree(CODEC.write(value));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static final JsonCodec CODEC = JsonCodec.standard();
    private static final ObjectMapper TREE = new ObjectMapper();

    private <V> List<KeyValue<String, V>> all(String store, Class<V> type) {
        List<KeyValue<String, V>> out = new ArrayList<>();
        try {
            ReadOnlyKeyValueStore<String, V> view = streams.store(
                    StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.<String, V>keyValueStore()));
            try (KeyValueIterator<String, V> it = view.all()) {
                while (it.hasNext() && out.size() < LIMIT) {
                    out.add(it.next());
                }
            }
        } catch (InvalidStateStoreException e) {
            // Not queryable yet (starting, rebalancing): an empty answer, the caller retries.
        }
        return out;
    }
}
