package dev.telemetry.gateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telemetry.events.ClockSkew;
import dev.telemetry.events.Envelope;
import dev.telemetry.events.EventType;
import dev.telemetry.events.NetworkErrorEvent;
import dev.telemetry.events.TelemetryEvent;
import dev.telemetry.events.VitalEvent;
import dev.telemetry.events.validation.FieldReader;
import dev.telemetry.events.validation.Limits;
import dev.telemetry.events.validation.Violation;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Validates and enriches the items of one request: each valid item becomes an {@link Envelope}
 * (server event id, app from the ingest key, receive time, event time, client IP and user agent; a vital's form
 * factor when its client named none);
 * each invalid one becomes {@link Rejection}s naming its index and fields. Valid items are never
 * dropped because a neighbour was bad.
 */
public final class Intake {

    private final Limits limits;
    private final ClockSkew clockSkew;
    private final Clock clock;

    public Intake(Limits limits, ClockSkew clockSkew, Clock clock) {
        this.limits = limits;
        this.clockSkew = clockSkew;
        this.clock = clock;
    }

    /**
     * Who sent the request, as the gateway established it.
     *
     * @param formFactor what the request's headers suggest the device is, given to vitals that name no form factor;
     *                   null when unknown (or not worked out, for routes that carry no vitals)
     */
    public record Origin(String app, String clientIp, String userAgent, String formFactor) {

        /** An origin whose form factor is unknown, as for events that were not posted by a browser (rule-lab's). */
        public Origin(String app, String clientIp, String userAgent) {
            this(app, clientIp, userAgent, null);
        }
    }

    /**
     * @param fixedType the route's event type, or null for the mixed batch where each item names its {@code type}
     */
    public IntakeResult read(List<JsonNode> items, EventType fixedType, Origin origin) {
        Instant receivedAt = clock.instant();
        List<Envelope> accepted = new ArrayList<>(items.size());
        List<Rejection> rejected = new ArrayList<>();
        for (int index = 0; index < items.size(); index++) {
            JsonNode item = items.get(index);
            if (!item.isObject()) {
                rejected.add(new Rejection(index, null, "must be a JSON object"));
                continue;
            }
            String surrogate = FieldReader.loneSurrogatePath(item);
            if (surrogate != null) {
                rejected.add(new Rejection(index, surrogate, FieldReader.LONE_SURROGATE));
                continue;
            }
            EventType type = fixedType;
            if (type == null) {
                JsonNode typeNode = item.get("type");
                type = typeNode != null && typeNode.isTextual() ? EventType.fromWireName(typeNode.textValue()).orElse(null) : null;
                if (type == null) {
                    rejected.add(new Rejection(index, "type", "must be one of " + EventType.wireNames()));
                    continue;
                }
                // Here "type" was the event kind, not a field of the event (an error's class is "errorType").
                ((ObjectNode) item).remove("type");
            }
            FieldReader fields = new FieldReader(item, limits);
            TelemetryEvent event = type.read(fields);
            if (!fields.valid()) {
                for (Violation v : fields.violations()) {
                    rejected.add(new Rejection(index, v.field(), v.message()));
                }
                continue;
            }
            accepted.add(envelope(event, origin, receivedAt));
            if (event instanceof NetworkErrorEvent networkError && networkError.isServerError()) {
                // As the seed's trackNetworkError does with Sentry.captureMessage.
                accepted.add(envelope(networkError.asServerError(), origin, receivedAt));
            }
        }
        return new IntakeResult(items.size(), accepted, rejected);
    }

    /**
     * A random (version 4) UUID. Ids need to be unique, not unguessable, so they come from
     * {@link ThreadLocalRandom} rather than {@code UUID.randomUUID()}'s contended SecureRandom.
     */
    static String eventId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48);
        return new UUID(high, low).toString();
    }

    private Envelope envelope(TelemetryEvent event, Origin origin, Instant receivedAt) {
        if (event instanceof VitalEvent vital) {
            // Vitals are judged per form factor (CrUX); the client's own word wins over the headers' guess.
            event = vital.withDerivedFormFactor(origin.formFactor());
        }
        return new Envelope(Envelope.SCHEMA_VERSION, eventId(), event.eventType(), origin.app(),
                receivedAt, clockSkew.eventTime(event.timestamp(), receivedAt), origin.clientIp(), origin.userAgent(), event);
    }
}
