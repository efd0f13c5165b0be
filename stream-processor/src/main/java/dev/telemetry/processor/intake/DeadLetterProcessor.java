package dev.telemetry.processor.intake;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A poison record to the processor's dead-letter topic: its key and bytes as they were, with the headers Kafka
 * Streams' own dead-letter queue writes (KIP-1034: {@code __streams.errors.exception}, {@code .message},
 * {@code .topic}, {@code .partition}, {@code .offset}), so a DLQ consumer sees one format whichever path put it there.
 */
public final class DeadLetterProcessor implements Processor<String, Decoded, String, byte[]> {

    static final String EXCEPTION = "__streams.errors.exception";
    static final String MESSAGE = "__streams.errors.message";
    static final String TOPIC = "__streams.errors.topic";
    static final String PARTITION = "__streams.errors.partition";
    static final String OFFSET = "__streams.errors.offset";
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessor.class);

    private ProcessorContext<String, byte[]> context;

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, Decoded> record) {
        Decoded poison = record.value();
        Headers headers = new RecordHeaders();
        headers.add(EXCEPTION, utf8("org.apache.kafka.common.errors.SerializationException: " + poison.problem()));
        headers.add(MESSAGE, utf8(poison.problem()));
        RecordMetadata source = context.recordMetadata().orElse(null);
        if (source != null) {
            headers.add(TOPIC, utf8(source.topic()));
            headers.add(PARTITION, utf8(Integer.toString(source.partition())));
            headers.add(OFFSET, utf8(Long.toString(source.offset())));
        }
        LOG.warn("dead-lettered a poison record{}: {}", source == null ? ""
                : " (" + source.topic() + "-" + source.partition() + "@" + source.offset() + ")", poison.problem());
        context.forward(new Record<>(record.key(), poison.poison(), record.timestamp(), headers));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
