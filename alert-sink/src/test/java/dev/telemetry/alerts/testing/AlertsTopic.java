package dev.telemetry.alerts.testing;

import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.kafka.local.junit.LocalKafka;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes alert events to a real broker's alerts topic, as the processor does: keyed by fingerprint, acknowledged by all. */
public final class AlertsTopic {

    private AlertsTopic() {
    }

    public static void produce(LocalKafka kafka, String topic, AlertEvent... alerts) throws Exception {
        try (KafkaProducer<String, AlertEvent> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), JsonSerde.alert().serializer())) {
            for (AlertEvent alert : alerts) {
                producer.send(new ProducerRecord<>(topic, alert.fingerprint(), alert)).get();
            }
        }
    }

    /** Creates a fresh alerts topic of one partition on {@code kafka} and returns its name. */
    public static String create(LocalKafka kafka) {
        String topic = kafka.uniqueTopicName("alerts");
        kafka.createTopic(topic, 1);
        return topic;
    }
}
