package dev.telemetry.processor.progress;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.TopologyDescription;

/**
 * What each task of a topology reads, as {@link KafkaReadProgress} needs it: the source topics of every
 * sub-topology (a task {@code <subtopology>_<partition>} reads that partition of each), and for every internal
 * (repartition) topic the source topics of the sub-topologies that write to it.
 *
 * @param sourcesBySubtopology source topics per sub-topology id, internal ones under their real names
 * @param upstreamOfInternal   for each internal topic, the source topics whose records reach the nodes writing to it
 */
public record TopologyInputs(Map<Integer, Set<String>> sourcesBySubtopology, Map<String, Set<String>> upstreamOfInternal) {

    public TopologyInputs {
        sourcesBySubtopology = Map.copyOf(sourcesBySubtopology);
        upstreamOfInternal = Map.copyOf(upstreamOfInternal);
    }

    /**
     * Reads {@code topology}'s description. A repartition topic (Kafka Streams names them {@code <name>-repartition}
     * and prefixes {@code <application.id>-} at run time, while the description shows {@code <name>-repartition})
     * is internal; its upstream is what the sub-topologies writing it read, less itself. Other topics a topology
     * both writes and reads (the processor's findings on the security topic) are read like any other.
     */
    public static TopologyInputs of(TopologyDescription topology, String applicationId) {
        Map<Integer, Set<String>> sources = new LinkedHashMap<>();
        for (TopologyDescription.Subtopology sub : topology.subtopologies()) {
            Set<String> read = new LinkedHashSet<>();
            for (TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Source source && source.topicSet() != null) {
                    source.topicSet().forEach(topic -> read.add(realName(topic, applicationId)));
                }
            }
            sources.put(sub.id(), Set.copyOf(read));
        }
        Map<String, Set<String>> upstream = new LinkedHashMap<>();
        for (TopologyDescription.Subtopology sub : topology.subtopologies()) {
            for (TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Sink sink && sink.topic() != null && isRepartition(sink.topic())) {
                    String internal = realName(sink.topic(), applicationId);
                    Set<String> writers = upstream.computeIfAbsent(internal, t -> new LinkedHashSet<>());
                    sourcesFeeding(sink, applicationId).stream().filter(topic -> !topic.equals(internal))
                            .forEach(writers::add);
                }
            }
        }
        upstream.replaceAll((topic, topics) -> Set.copyOf(topics));
        return new TopologyInputs(sources, upstream);
    }

    /**
     * The topics of the source nodes whose records can reach {@code node}, found by walking its predecessors. Not
     * simply every source of its sub-topology: two repartition topics in one sub-topology would each count the other
     * as upstream, and neither would ever be known to be read.
     */
    private static Set<String> sourcesFeeding(TopologyDescription.Node node, String applicationId) {
        Set<String> topics = new LinkedHashSet<>();
        Set<TopologyDescription.Node> seen = new HashSet<>();
        Deque<TopologyDescription.Node> pending = new ArrayDeque<>(List.of(node));
        while (!pending.isEmpty()) {
            TopologyDescription.Node current = pending.pop();
            if (!seen.add(current)) {
                continue;
            }
            if (current instanceof TopologyDescription.Source source && source.topicSet() != null) {
                source.topicSet().forEach(topic -> topics.add(realName(topic, applicationId)));
            }
            pending.addAll(current.predecessors());
        }
        return topics;
    }

    private static boolean isRepartition(String topic) {
        return topic.endsWith("-repartition");
    }

    private static String realName(String topic, String applicationId) {
        return isRepartition(topic) ? applicationId + "-" + topic : topic;
    }

    /** Every topic any task reads. */
    public Set<String> allTopics() {
        Set<String> all = new LinkedHashSet<>();
        sourcesBySubtopology.values().forEach(all::addAll);
        return all;
    }

    public boolean isInternal(String topic) {
        return upstreamOfInternal.containsKey(topic);
    }
}
