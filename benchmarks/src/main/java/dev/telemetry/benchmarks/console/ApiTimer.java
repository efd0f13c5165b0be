package dev.telemetry.benchmarks.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Times one API request over real HTTP on loopback with the JDK's client (HTTP/1.1, one connection, one request at a
 * time): from sending the request to the last byte of the body. Warm-up first (on two cores the JIT is still compiling
 * the hot paths after tens of seconds), then {@code n} timed requests.
 */
final class ApiTimer {

    record Result(String label, int requests, double medianMs, double p95Ms, double p99Ms, double maxMs, long bytes, long decodedBytes,
                  String encoding, int warmupRequests) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final byte[] buffer = new byte[1 << 16];

    /** The body parsed (inflated when gzip), to check what the timed requests answered. */
    JsonNode fetchJson(String url) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + r.statusCode());
        }
        return JSON.readTree(r.body());
    }

    Result time(String label, String url, boolean gzip, Duration warmup, int n) throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120));
        if (gzip) {
            // What Chromium sends; the JDK client sends no Accept-Encoding of its own.
            builder.header("Accept-Encoding", "gzip, deflate, br, zstd");
        }
        HttpRequest request = builder.build();
        int warm = 0;
        long warmEnd = System.nanoTime() + warmup.toNanos();
        while (System.nanoTime() < warmEnd) {
            once(request);
            warm++;
        }
        List<Double> ms = new ArrayList<>(n);
        long[] last = null;
        String encoding = null;
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            Once o = once(request);
            ms.add((System.nanoTime() - t0) / 1e6);
            last = new long[] {o.bytes, o.decoded};
            encoding = o.encoding;
        }
        Collections.sort(ms);
        return new Result(label, n, quantile(ms, 0.5), quantile(ms, 0.95), quantile(ms, 0.99), ms.get(ms.size() - 1),
                last[0], last[1], encoding, warm);
    }

    private record Once(long bytes, long decoded, String encoding) {
    }

    private Once once(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        String encoding = r.headers().firstValue("Content-Encoding").orElse("identity");
        if (r.statusCode() != 200) {
            r.body().close();
            throw new IllegalStateException(request.uri() + " answered " + r.statusCode());
        }
        CountingStream counted = new CountingStream(r.body());
        long decoded = 0;
        try (InputStream body = encoding.equals("gzip") ? new GZIPInputStream(counted, 1 << 16) : counted) {
            // Inflating is part of what a browser does with a gzipped answer, so it is inside the time.
            for (int k; (k = body.read(buffer)) >= 0; ) {
                decoded += k;
            }
        }
        return new Once(counted.count, decoded, encoding);
    }

    static double quantile(List<Double> sorted, double q) {
        int i = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    private static final class CountingStream extends java.io.FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int k = super.read(b, off, len);
            if (k > 0) {
                count += k;
            }
            return k;
        }
    }
}
