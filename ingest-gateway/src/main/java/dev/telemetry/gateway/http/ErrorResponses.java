package dev.telemetry.gateway.http;

import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.gateway.ingest.ApiException;
import dev.telemetry.gateway.ingest.Rejection;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The one place that renders responses of the ingest API: acknowledgements and every refusal. */
public final class ErrorResponses {

    private final JsonCodec codec;

    public ErrorResponses(JsonCodec codec) {
        this.codec = codec;
    }

    /**
     * {@code 202 {accepted, rejected: [{index, field, message}], eventIds}}: the partial-success body;
     * {@code eventIds} are the server ids of every event written (a 5xx network error yields two).
     */
    public void accepted(Context ctx, int accepted, List<Rejection> rejected, List<String> eventIds) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("accepted", accepted);
        body.put("rejected", rejected);
        body.put("eventIds", eventIds);
        json(ctx, 202, body);
    }

    public void refused(Context ctx, ApiException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.error());
        body.put("message", e.getMessage());
        if (!e.rejected().isEmpty()) {
            body.put("accepted", 0);
            body.put("rejected", e.rejected());
        }
        if (e.retryAfter() != null) {
            // Rounded up: a client that retries after the advertised seconds must find the door open again.
            long millis = e.retryAfter().toMillis();
            ctx.header("Retry-After", String.valueOf(Math.max(1, (millis + 999) / 1000)));
        }
        if (e.status() == 408) {
            // The rest of a slow body is never read: the connection cannot carry another request.
            ctx.header("Connection", "close");
        }
        json(ctx, e.status(), body);
    }

    /**
     * Writes the JSON body straight to the response. Not through {@code ctx.result(...)}: Javalin copies a result
     * through an 8 KB buffer allocated per response, after a compression check, and that path cost about half of
     * a single-event request's CPU (profiled, docs/performance.md); these bodies are small and not worth
     * compressing. No Content-Length is set: the body stays in Jetty's buffer until the request completes, so
     * Jetty can still add {@code Connection: close} when it refused a body it did not read (413) — a response
     * committed early would leave the client to reuse a connection the server then closes.
     */
    public void json(Context ctx, int status, Object body) {
        byte[] bytes = codec.write(body);
        ctx.status(status).contentType("application/json");
        try {
            ctx.res().getOutputStream().write(bytes);
        } catch (IOException e) {
            // The client went away: nothing left to tell it.
            throw new UncheckedIOException("could not write the response: " + e.getMessage(), e);
        }
    }
}
