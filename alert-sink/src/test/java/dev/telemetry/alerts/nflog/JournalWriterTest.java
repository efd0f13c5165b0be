package dev.telemetry.alerts.nflog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The journal's writes while the broker comes and goes, against Kafka's MockProducer: nothing is dropped. */
class JournalWriterTest {

    private final MockProducer<String, byte[]> producer = new MockProducer<>(false, null, new StringSerializer(),
            new ByteArraySerializer());
    private final JournalWriter writer = new JournalWriter(producer, Duration.ofMillis(50));

    private static ProducerRecord<String, byte[]> record(String key) {
        return new ProducerRecord<>("nflog", key, new byte[] {1});
    }

    @Test
    void shouldReturnWhenEveryWriteIsAcknowledged() {
        writer.send(record("a"));
        writer.send(record("b"));
        producer.completeNext();
        producer.completeNext();

        writer.flush();

        assertThat(producer.history()).extracting(ProducerRecord::key).containsExactly("a", "b");
    }

    @Test
    void shouldRefuseAndKeepWaitingWhenAWriteIsNotAcknowledgedInTime() {
        writer.send(record("a"));

        assertThatThrownBy(writer::flush).isInstanceOf(JournalUnavailableException.class)
                .hasMessage("1 journal record(s) not yet written");

        producer.completeNext();
        writer.flush();
    }

    @Test
    void shouldSendAFailedWriteAgainAndSucceedWhenTheBrokerIsBack() {
        writer.send(record("a"));
        writer.send(record("b"));
        producer.completeNext();
        producer.errorNext(new TimeoutException("Expiring 1 record(s) for nflog-0: 30000 ms has passed since batch creation"));

        assertThatThrownBy(writer::flush).isInstanceOf(JournalUnavailableException.class)
                .hasMessageContaining("last error: Expiring 1 record(s)");
        assertThat(producer.history()).extracting(ProducerRecord::key).as("b sent again").containsExactly("a", "b", "b");

        producer.completeNext();
        writer.flush();
        assertThat(producer.history()).extracting(ProducerRecord::key).as("nothing sent a third time").containsExactly("a", "b", "b");
    }
}
