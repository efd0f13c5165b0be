package dev.telemetry.gateway.ingest;

import dev.telemetry.events.Envelope;
import java.util.List;

/**
 * The outcome of reading one request: the envelopes to publish and the items refused. One client
 * item can yield more than one envelope (a server-side network error also becomes an error event).
 */
public record IntakeResult(int items, List<Envelope> accepted, List<Rejection> rejected, int acceptedItems) {

    /** @param acceptedItems how many client items were accepted (not envelopes); counted once, read per request */
    public IntakeResult(int items, List<Envelope> accepted, List<Rejection> rejected) {
        this(items, accepted, rejected, items - (int) rejected.stream().mapToInt(Rejection::index).distinct().count());
    }
}
