package dev.telemetry.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** How a child service tells that it is ready: a line in its log, or 200 from its health endpoint. */
public interface Readiness {

    HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** Whether the service is ready now; {@code log} is what its current run has printed so far. */
    boolean isReady(Path log) throws Exception;

    /** What is waited for, for error messages. */
    String describe();

    /** Ready once its log contains {@code text}, e.g. the broker's "Kafka broker ready". */
    static Readiness logLine(String text) {
        return new Readiness() {
            @Override
            public boolean isReady(Path log) throws IOException {
                return Files.exists(log) && Files.readString(log).contains(text);
            }

            @Override
            public String describe() {
                return "'" + text + "' in its log";
            }
        };
    }

    /**
     * Ready once {@code GET url} answers 200: the gateway's {@code /api/health} (Kafka reachable) or the
     * processor's {@code /health} (Kafka Streams running).
     */
    static Readiness http(URI url) {
        return new Readiness() {
            @Override
            public boolean isReady(Path log) {
                try {
                    HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.discarding());
                    return response.statusCode() == 200;
                } catch (IOException e) {
                    return false; // not listening yet
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for " + url, e);
                }
            }

            @Override
            public String describe() {
                return "200 from " + url;
            }
        };
    }
}
