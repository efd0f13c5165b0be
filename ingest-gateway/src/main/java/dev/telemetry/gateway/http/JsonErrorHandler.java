package dev.telemetry.gateway.http;

import dev.telemetry.events.codec.JsonCodec;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own refusals — requests it rejects before any route runs, such as headers over the limit
 * (431) or a malformed request line (400) — rendered in the API's JSON error shape instead of
 * Jetty's HTML page, so every refusal a client sees names its problem the same way.
 */
public final class JsonErrorHandler extends ErrorHandler {

    private final JsonCodec codec;

    public JsonErrorHandler(JsonCodec codec) {
        this.codec = codec;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body(code, message)), callback);
    }

    byte[] body(int status, String reason) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error(status));
        body.put("message", message(status, reason));
        return codec.write(body);
    }

    private static String error(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 413 -> "payload_too_large";
            case 414 -> "uri_too_long";
            case 431 -> "request_header_fields_too_large";
            default -> status >= 500 ? "internal" : "http_" + status;
        };
    }

    private static String message(int status, String reason) {
        return switch (status) {
            case 431 -> "the request headers are larger than the server's limit";
            case 414 -> "the request URI is longer than the server's limit";
            default -> reason == null || reason.isBlank() ? "the request was refused by the HTTP server" : reason;
        };
    }
}
