package dev.telemetry.gateway.ingest;

import dev.telemetry.gateway.http.ApiException;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a request body within its limits: at most {@code maxBytes} as sent — whether or not the
 * client declared a length (a chunked body is cut off as it streams in, never buffered whole) — and,
 * for {@code Content-Encoding: gzip}, at most {@code maxInflatedBytes} after inflation, so a small
 * gzip bomb costs us no more than the limit.
 */
public final class BodyReader {

    /**
     * A refused body of up to this many times the limit is still read, and thrown away, before the 413. A
     * client that is still sending when the server closes gets a TCP reset that can destroy the 413 before
     * it reads it (the JDK client reports "header parser received no bytes"); reading on keeps the
     * connection usable and the answer readable, as nginx's lingering close does. Larger bodies are cut
     * off, and Jetty closes the connection.
     */
    static final int DRAIN_FACTOR = 4;
    private static final int DRAIN_BUFFER = 8192;

    private final int maxBytes;
    private final int maxInflatedBytes;

    public BodyReader(int maxBytes, int maxInflatedBytes) {
        this.maxBytes = maxBytes;
        this.maxInflatedBytes = maxInflatedBytes;
    }

    /**
     * @param declaredLength the Content-Length, or -1 when the body is chunked
     * @param contentEncoding the Content-Encoding header, or null
     */
    public byte[] read(InputStream in, long declaredLength, String contentEncoding) {
        boolean gzip = isGzip(contentEncoding);
        if (declaredLength > maxBytes) {
            if (declaredLength <= drainLimit()) {
                discard(in);
            }
            throw ApiException.tooLarge("the body is " + declaredLength + " bytes; the limit is " + maxBytes);
        }
        byte[] sent;
        try {
            sent = in.readNBytes(maxBytes + 1);
        } catch (IOException e) {
            throw ApiException.badRequest("the body could not be read: " + e.getMessage());
        }
        if (sent.length > maxBytes) {
            discard(in);
            throw ApiException.tooLarge("the body is larger than the limit of " + maxBytes + " bytes");
        }
        return gzip ? inflate(sent) : sent;
    }

    private long drainLimit() {
        return (long) maxBytes * DRAIN_FACTOR;
    }

    /** Reads what is left of a refused body, up to {@link #drainLimit()} in all; the answer is 413 whatever happens here. */
    private void discard(InputStream in) {
        byte[] buffer = new byte[DRAIN_BUFFER];
        long left = drainLimit();
        try {
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    return;
                }
                left -= n;
            }
        } catch (IOException e) {
            // The client went away or timed out: nothing more to read.
        }
    }

    private byte[] inflate(byte[] compressed) {
        if (compressed.length == 0) {
            return compressed;
        }
        try (InputStream inflated = new GZIPInputStream(new ByteArrayInputStream(compressed), 8192)) {
            byte[] body = inflated.readNBytes(maxInflatedBytes + 1);
            if (body.length > maxInflatedBytes) {
                throw ApiException.tooLarge("the body inflates to more than the limit of " + maxInflatedBytes + " bytes");
            }
            return body;
        } catch (ZipException e) {
            throw ApiException.badRequest("the body is not valid gzip (Content-Encoding: gzip): " + e.getMessage());
        } catch (EOFException e) {
            throw ApiException.badRequest("the gzip body is truncated");
        } catch (IOException e) {
            throw ApiException.badRequest("the gzip body could not be read: " + e.getMessage());
        }
    }

    private static boolean isGzip(String contentEncoding) {
        if (contentEncoding == null || contentEncoding.isBlank()) {
            return false;
        }
        String encoding = contentEncoding.trim().toLowerCase(Locale.ROOT);
        return switch (encoding) {
            case "identity" -> false;
            case "gzip", "x-gzip" -> true;
            default -> throw ApiException.unsupportedEncoding(contentEncoding.trim());
        };
    }
}
