package dev.telemetry.processor;

import dev.telemetry.service.ops.ErrorReporter;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Kafka Streams' log-and-continue for a record a processor failed on (logged, copied to the DLQ, skipped), which
 * also reports the exception: a processor throwing is a bug of ours, not the client's bad input (records that cannot
 * be read at all are the deserialization handler's, and are not reported). Kafka Streams instantiates the handler
 * from its class name, so the reporter comes in through the configuration under {@link #REPORTER}.
 */
public final class ReportingProcessingExceptionHandler extends LogAndContinueProcessingExceptionHandler {

    /** The configuration key under which {@link StreamProcessor} passes the {@link ErrorReporter} instance. */
    public static final String REPORTER = "telemetry.error.reporter";

    private ErrorReporter reporter = ErrorReporter.none();

    @Override
    public void configure(Map<String, ?> configs) {
        super.configure(configs);
        if (configs.get(REPORTER) instanceof ErrorReporter configured) {
            reporter = configured;
        }
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        reporter.report(exception, "processor " + context.processorNodeId());
        return super.handleError(context, record, exception);
    }
}
