package dev.telemetry.events;

import dev.telemetry.events.validation.FieldReader;

/** User feedback from the seed's {@code captureUserFeedback({name, email, comments})}. */
public record FeedbackEvent(String name, String email, String comments, Long timestamp) implements TelemetryEvent {

    @Override
    public EventType eventType() {
        return EventType.FEEDBACK;
    }

    @Override
    public String seriesKey() {
        return "feedback";
    }

    public static FeedbackEvent read(FieldReader r) {
        String name = r.optionalString("name", r.limits().nameLength());
        String email = r.optionalString("email", 320);
        if (email != null && !email.isEmpty()) {
            r.check(email.matches("[^@\\s]+@[^@\\s]+"), "email", "must look like an e-mail address");
        }
        String comments = r.requiredString("comments", r.limits().textLength());
        Long timestamp = r.optionalTimestamp("timestamp");
        return new FeedbackEvent(name, email, comments, timestamp);
    }
}
