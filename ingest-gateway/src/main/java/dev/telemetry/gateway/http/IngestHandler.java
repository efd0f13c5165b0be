package dev.telemetry.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telemetry.gateway.ingest.BodyDecoder;
import dev.telemetry.gateway.ingest.Intake;
import dev.telemetry.gateway.ingest.IntakeResult;
import dev.telemetry.gateway.kafka.EventPublisher;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles one ingest request end to end: authenticate, read the body within its size limit,
 * validate each item, publish the valid ones and answer 202 only once Kafka acknowledged them.
 */
public final class IngestHandler {

    private static final Logger LOG = LoggerFactory.getLogger(IngestHandler.class);
    /** What a client should wait before retrying when Kafka did not acknowledge. */
    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final KeyAuthenticator auth;
    private final BodyDecoder decoder;
    private final Intake intake;
    private final EventPublisher publisher;
    private final ErrorResponses responses;
    private final int maxBodyBytes;
    private final MeterRegistry registry;

    public IngestHandler(KeyAuthenticator auth, BodyDecoder decoder, Intake intake, EventPublisher publisher,
                         ErrorResponses responses, int maxBodyBytes, MeterRegistry registry) {
        this.auth = auth;
        this.decoder = decoder;
        this.intake = intake;
        this.publisher = publisher;
        this.responses = responses;
        this.maxBodyBytes = maxBodyBytes;
        this.registry = registry;
    }

    public void handle(Context ctx, IngestRoute route) {
        String app = auth.authenticate(ctx.header(KeyAuthenticator.HEADER), ctx.queryParam(KeyAuthenticator.QUERY_PARAM));
        List<JsonNode> items = decoder.decode(ctx.header("Content-Type"), readBody(ctx));
        IntakeResult result = intake.read(items, route.type(), new Intake.Origin(app, ctx.ip(), ctx.header("User-Agent")));
        count(route, "rejected", result.items() - result.acceptedItems());
        if (result.accepted().isEmpty()) {
            throw ApiException.allRejected(result.rejected());
        }
        ctx.future(() -> publisher.publish(result.accepted()).handle((ok, error) -> {
            if (error == null) {
                count(route, "accepted", result.acceptedItems());
                responses.accepted(ctx, result.acceptedItems(), result.rejected());
            } else {
                count(route, "unavailable", result.acceptedItems());
                LOG.warn("answering 503: {}", rootMessage(error));
                responses.refused(ctx, ApiException.unavailable(
                        "the events could not be stored right now; retry later", RETRY_AFTER));
            }
            return null;
        }));
    }

    /** Reads at most the limit plus one byte, so an oversized body is refused without buffering it whole. */
    private byte[] readBody(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBodyBytes) {
            throw ApiException.tooLarge("the body is " + declared + " bytes; the limit is " + maxBodyBytes);
        }
        try (InputStream in = ctx.bodyInputStream()) {
            byte[] body = in.readNBytes(maxBodyBytes + 1);
            if (body.length > maxBodyBytes) {
                throw ApiException.tooLarge("the body is larger than the limit of " + maxBodyBytes + " bytes");
            }
            return body;
        } catch (IOException e) {
            throw ApiException.badRequest("the body could not be read: " + e.getMessage());
        }
    }

    private void count(IngestRoute route, String outcome, int events) {
        if (events > 0) {
            Counter.builder("ingest.events").description("Events received, by route and outcome")
                    .tag("route", route.tag()).tag("outcome", outcome).register(registry).increment(events);
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getClass().getSimpleName() + ": " + c.getMessage();
    }
}
