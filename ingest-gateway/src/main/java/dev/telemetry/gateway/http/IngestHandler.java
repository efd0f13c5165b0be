package dev.telemetry.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telemetry.events.Envelope;
import dev.telemetry.events.EventType;
import dev.telemetry.gateway.config.GatewayConfig;
import dev.telemetry.gateway.ingest.ApiException;
import dev.telemetry.gateway.ingest.BodyDecoder;
import dev.telemetry.gateway.ingest.BodyReader;
import dev.telemetry.gateway.ingest.Intake;
import dev.telemetry.gateway.ingest.IntakeResult;
import dev.telemetry.gateway.kafka.EventPublisher;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles one ingest request end to end: rate-limit the client IP, authenticate, check the origin,
 * rate-limit the key, read the body within its limits (without holding a thread while it arrives, and
 * within the slow-client deadlines of {@link AsyncBodyReader}), validate each item, publish the valid ones
 * and answer 202 only once Kafka acknowledged them.
 */
public final class IngestHandler {

    private static final Logger LOG = LoggerFactory.getLogger(IngestHandler.class);
    /** What a client should wait before retrying when Kafka did not acknowledge. */
    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    /** Longer user agents are cut: the header is the client's to fill, the topic is ours. */
    static final int MAX_USER_AGENT = 512;
    /** Request attributes the access log reads. */
    public static final String CLIENT_IP = "gateway.clientIp";
    public static final String APP = "gateway.app";

    private final KeyAuthenticator auth;
    private final Cors cors;
    private final ClientAddress clientAddress;
    private final RateLimiter perIp;
    private final RateLimiter perKey;
    private final RateLimiter perKeyEvents;
    private final BodyReader bodyReader;
    private final AsyncBodyReader bodies;
    private final BodyDecoder decoder;
    private final Intake intake;
    private final EventPublisher publisher;
    private final ErrorResponses responses;
    private final Map<String, Counter> counters;
    private final Map<EventPublisher.Reason, Counter> publishFailures;
    private final Executor responder;

    /**
     * @param responder where answers are written once Kafka acknowledged: not the producer's own I/O
     *                  thread, which completes the acknowledgements and must not also write HTTP responses
     */
    public IngestHandler(KeyAuthenticator auth, Cors cors, ClientAddress clientAddress, RateLimiter perIp, RateLimiter perKey,
                         RateLimiter perKeyEvents, BodyReader bodyReader, AsyncBodyReader bodies, BodyDecoder decoder, Intake intake, EventPublisher publisher,
                         ErrorResponses responses, MeterRegistry registry, Executor responder) {
        this.auth = auth;
        this.cors = cors;
        this.clientAddress = clientAddress;
        this.perIp = perIp;
        this.perKey = perKey;
        this.perKeyEvents = perKeyEvents;
        this.bodyReader = bodyReader;
        this.bodies = bodies;
        this.decoder = decoder;
        this.intake = intake;
        this.publisher = publisher;
        this.responses = responses;
        this.counters = registerCounters(registry);
        this.publishFailures = registerPublishFailures(registry);
        this.responder = responder;
    }

    public void handle(Context ctx, IngestRoute route) {
        String ip = clientIp(ctx);
        limit(perIp, ip, "too many requests from " + ip);
        GatewayConfig.IngestKey key = auth.authenticate(ctx.header(KeyAuthenticator.HEADER), ctx.queryParam(KeyAuthenticator.QUERY_PARAM));
        ctx.attribute(APP, key.app());
        cors.check(ctx, key);
        limit(perKey, key.key(), "too many requests for this ingest key");
        // The body is read without holding a thread while it arrives (AsyncBodyReader); the rest runs when it is complete.
        BodyReader.Sink sink = bodyReader.open(ctx.req().getContentLengthLong(), ctx.header("Content-Encoding"));
        ctx.future(() -> {
            try {
                return bodies.read(ctx.req(), sink).thenCompose(body -> ingest(ctx, route, key, ip, body));
            } catch (IOException e) {
                throw ApiException.badRequest("the body could not be read: " + e.getMessage());
            }
        });
    }

    /** Decodes, validates and publishes a body read in full; the future completes once the answer is written. */
    private CompletableFuture<Void> ingest(Context ctx, IngestRoute route, GatewayConfig.IngestKey key, String ip, byte[] body) {
        List<JsonNode> items = decoder.decode(ctx.header("Content-Type"), body);
        IntakeResult result = intake.read(items, route.type(), new Intake.Origin(key.app(), ip, userAgent(ctx), formFactor(ctx, route)));
        count(route, "rejected", result.items() - result.acceptedItems());
        if (result.accepted().isEmpty()) {
            throw ApiException.allRejected(result.rejected());
        }
        // Counted in events the batch would write, all or none: nothing of a refused batch reaches Kafka.
        Duration wait = perKeyEvents.acquire(key.key(), result.accepted().size());
        if (wait != null) {
            count(route, "rate_limited", result.acceptedItems());
            throw ApiException.rateLimited("too many events for this ingest key (" + result.accepted().size()
                    + " in this request); retry later", wait);
        }
        List<String> eventIds = result.accepted().stream().map(Envelope::eventId).toList();
        return publisher.publish(result.accepted()).handleAsync((ok, error) -> {
            if (error == null) {
                count(route, "accepted", result.acceptedItems());
                responses.accepted(ctx, result.acceptedItems(), result.rejected(), eventIds);
            } else {
                count(route, "unavailable", result.acceptedItems());
                EventPublisher.Reason reason = EventPublisher.Reason.of(error);
                publishFailures.get(reason).increment();
                LOG.warn("answering 503 ({}): {}", reason.label(), rootMessage(error));
                responses.refused(ctx, ApiException.unavailable(
                        "the events could not be stored right now; retry later", RETRY_AFTER));
            }
            return null;
        }, responder);
    }

    /** The client IP, trusting {@code X-Forwarded-For} only from configured proxies; remembered for the access log. */
    public String clientIp(Context ctx) {
        String ip = ctx.attribute(CLIENT_IP);
        if (ip == null) {
            ip = clientAddress.resolve(ctx.req().getRemoteAddr(), ctx.header(ClientAddress.FORWARDED_FOR));
            ctx.attribute(CLIENT_IP, ip);
        }
        return ip;
    }

    private static void limit(RateLimiter limiter, String name, String message) {
        Duration wait = limiter.acquire(name);
        if (wait != null) {
            throw ApiException.rateLimited(message + "; retry later", wait);
        }
    }

    /** Worked out only where vitals may come: the vitals route and the mixed batch. */
    private static String formFactor(Context ctx, IngestRoute route) {
        if (route.type() != null && route.type() != EventType.VITAL) {
            return null;
        }
        return FormFactors.derive(ctx.header(FormFactors.MOBILE_HINT), ctx.header("User-Agent"));
    }

    private static String userAgent(Context ctx) {
        String ua = ctx.header("User-Agent");
        if (ua == null || ua.isBlank()) {
            return null;
        }
        return ua.length() <= MAX_USER_AGENT ? ua : ua.substring(0, MAX_USER_AGENT);
    }

    private void count(IngestRoute route, String outcome, int events) {
        if (events > 0) {
            counters.get(route.tag() + '|' + outcome).increment(events);
        }
    }

    /**
     * Every route × outcome counter, registered once: a dashboard sees zeros instead of gaps, and the hot path
     * does a map lookup instead of building and registering a meter per request.
     */
    private static Map<String, Counter> registerCounters(MeterRegistry registry) {
        Map<String, Counter> counters = new HashMap<>();
        for (IngestRoute route : IngestRoute.ALL) {
            for (String outcome : List.of("accepted", "rejected", "unavailable", "rate_limited")) {
                counters.put(route.tag() + '|' + outcome, Counter.builder("ingest.events")
                        .description("Events received, by route and outcome")
                        .tag("route", route.tag()).tag("outcome", outcome).register(registry));
            }
        }
        return Map.copyOf(counters);
    }

    /** Why requests were answered 503, one counter per reason, registered up front like the others. */
    private static Map<EventPublisher.Reason, Counter> registerPublishFailures(MeterRegistry registry) {
        Map<EventPublisher.Reason, Counter> failures = new EnumMap<>(EventPublisher.Reason.class);
        for (EventPublisher.Reason reason : EventPublisher.Reason.values()) {
            failures.put(reason, Counter.builder("ingest.publish.failures")
                    .description("Requests answered 503 because Kafka did not acknowledge their events, by reason")
                    .tag("reason", reason.label()).register(registry));
        }
        return failures;
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getClass().getSimpleName() + ": " + c.getMessage();
    }
}
