package dev.telemetry.rulelab.unit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telemetry.events.ClockSkew;
import dev.telemetry.events.Envelope;
import dev.telemetry.events.EventType;
import dev.telemetry.events.validation.Limits;
import dev.telemetry.gateway.ingest.Intake;
import dev.telemetry.gateway.ingest.IntakeResult;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

/**
 * A test's input events read by the gateway's own {@link Intake}, as if a client had posted each one to the typed
 * route of its kind when it arrives: the same validation, the same envelope (receive time, event time from the
 * client's {@code timestamp} within the clock-skew bounds), and a server-side network error also becomes an error
 * event, as the gateway publishes it.
 */
final class GatewayIntake {

    static final String CLIENT_IP = "203.0.113.9";
    static final String USER_AGENT = "rule-lab";

    private final ArrivalClock clock = new ArrivalClock();
    private final Intake intake = new Intake(Limits.defaults(), ClockSkew.defaults(), clock);

    /** What the gateway makes of {@code wire} (the event's own fields) from {@code app}, received at {@code arrival}. */
    IntakeResult read(EventType type, String app, ObjectNode wire, Instant arrival) {
        clock.now = arrival;
        return intake.read(List.<JsonNode>of(wire), type, new Intake.Origin(app, CLIENT_IP, USER_AGENT));
    }

    /** The envelopes of an event {@link #read} accepted. */
    List<Envelope> envelopes(EventType type, String app, ObjectNode wire, Instant arrival) {
        IntakeResult result = read(type, app, wire, arrival);
        if (!result.rejected().isEmpty()) {
            // The parser ran the same event through the intake first; what it accepted then cannot be refused now.
            throw new IllegalStateException("the gateway refused an event it accepted before: " + result.rejected());
        }
        return result.accepted();
    }

    /** The gateway's clock, set to each event's arrival. */
    private static final class ArrivalClock extends Clock {
        private Instant now = Instant.EPOCH;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
