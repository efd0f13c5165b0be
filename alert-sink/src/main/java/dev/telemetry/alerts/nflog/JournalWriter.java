package dev.telemetry.alerts.nflog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * The journal's writes to Kafka, kept until the broker acknowledged them: a write the producer gave
 * up on (broker down longer than its delivery timeout) is sent again at the next {@link #flush},
 * instead of failing the sink for good. Nothing is dropped, so the offsets the dispatcher commits
 * after a successful flush never run ahead of the notification log. Thread-safe.
 */
final class JournalWriter {

    private final Producer<String, byte[]> producer;
    private final Duration flushWait;
    private final Map<Long, ProducerRecord<String, byte[]>> unacknowledged = new LinkedHashMap<>();
    private final List<ProducerRecord<String, byte[]>> failed = new ArrayList<>();
    private long nextId;
    private String lastError = "";

    /** {@code flushWait} bounds how long {@link #flush} waits for acknowledgements, so a dead broker never stalls the caller long. */
    JournalWriter(Producer<String, byte[]> producer, Duration flushWait) {
        this.producer = producer;
        this.flushWait = flushWait;
    }

    void send(ProducerRecord<String, byte[]> record) {
        long id;
        synchronized (this) {
            id = nextId++;
            unacknowledged.put(id, record);
        }
        try {
            producer.send(record, (metadata, error) -> settle(id, error));
        } catch (KafkaException e) {
            // e.g. no metadata within max.block.ms while the broker is away: kept, sent again at the next flush.
            settle(id, e);
        }
    }

    private synchronized void settle(long id, Exception error) {
        ProducerRecord<String, byte[]> record = unacknowledged.remove(id);
        if (error != null && record != null) {
            failed.add(record);
            lastError = error.getMessage();
        }
        notifyAll();
    }

    /**
     * Returns once everything sent so far is acknowledged; otherwise sends what failed again and
     * throws {@link JournalUnavailableException} after at most the flush wait.
     */
    void flush() {
        List<ProducerRecord<String, byte[]>> again;
        synchronized (this) {
            again = new ArrayList<>(failed);
            failed.clear();
        }
        again.forEach(this::send);
        long deadline = System.nanoTime() + flushWait.toNanos();
        synchronized (this) {
            while (!unacknowledged.isEmpty() || !failed.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (!failed.isEmpty() || left <= 0) {
                    throw new JournalUnavailableException((unacknowledged.size() + failed.size()) + " journal record(s) not yet written"
                            + (lastError.isEmpty() ? "" : "; last error: " + lastError));
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new JournalUnavailableException("interrupted while waiting for the journal");
                }
            }
        }
    }
}
