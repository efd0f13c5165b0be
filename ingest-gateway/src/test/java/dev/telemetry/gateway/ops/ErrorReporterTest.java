package dev.telemetry.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class ErrorReporterTest {

    @Test
    void shouldReportNothingWhenSentryDsnIsNotSet() {
        ErrorReporter reporter = ErrorReporter.fromEnvironment(Map.of(), "test");
        reporter.report(new IllegalStateException("ignored"), "nowhere");
        reporter.close();
    }

    @Test
    void shouldSendTheExceptionToSentryWhenSentryDsnIsSet() throws Exception {
        // A stand-in for sentry.io: the SDK posts an envelope to /api/<project>/envelope/.
        List<String> envelopes = new CopyOnWriteArrayList<>();
        HttpServer sentry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        sentry.createContext("/", exchange -> {
            envelopes.add(exchange.getRequestURI().getPath() + "\n" + body(exchange.getRequestBody(),
                    "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        sentry.start();
        try {
            String dsn = "http://publickey@127.0.0.1:" + sentry.getAddress().getPort() + "/42";
            ErrorReporter reporter = ErrorReporter.fromEnvironment(Map.of("SENTRY_DSN", dsn), "test");
            reporter.report(new IllegalStateException("gateway bug for sentry"), "POST /api/metrics");
            reporter.close();

            await().atMost(Duration.ofSeconds(30)).until(() -> envelopes.stream().anyMatch(e -> e.contains("gateway bug for sentry")));
            String event = envelopes.stream().filter(e -> e.contains("gateway bug for sentry")).findFirst().orElseThrow();
            assertThat(event).startsWith("/api/42/envelope/").contains("IllegalStateException").contains("ingest-gateway@test");
        } finally {
            sentry.stop(0);
        }
    }

    private static String body(InputStream in, boolean gzip) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        (gzip ? new GZIPInputStream(in) : in).transferTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
