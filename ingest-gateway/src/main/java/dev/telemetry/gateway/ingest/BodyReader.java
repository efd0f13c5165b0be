package dev.telemetry.gateway.ingest;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
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
     * Reads a whole body from a blocking stream (tests, and anything that may block a thread on its client).
     *
     * @param declaredLength the Content-Length, or -1 when the body is chunked
     * @param contentEncoding the Content-Encoding header, or null
     */
    public byte[] read(InputStream in, long declaredLength, String contentEncoding) {
        Sink sink = open(declaredLength, contentEncoding);
        byte[] buffer = new byte[DRAIN_BUFFER];
        try {
            while (sink.wanted() > 0) {
                int n = in.read(buffer, 0, Math.min(buffer.length, sink.wanted()));
                if (n < 0) {
                    break;
                }
                sink.accept(buffer, 0, n);
            }
        } catch (IOException e) {
            sink.failed(e);
        }
        return sink.finish();
    }

    /**
     * Starts a body that arrives in pieces, from a blocking stream or as non-blocking reads deliver them:
     * feed it what arrives while {@link Sink#wanted()} is positive, then {@link Sink#finish()}.
     *
     * @param declaredLength the Content-Length, or -1 when the body is chunked
     * @param contentEncoding the Content-Encoding header, or null
     * @throws ApiException 415 for an encoding we do not read; 413 at once for a declared length beyond the drain allowance
     */
    public Sink open(long declaredLength, String contentEncoding) {
        boolean gzip = isGzip(contentEncoding);
        if (declaredLength > maxBytes && declaredLength > drainLimit()) {
            throw ApiException.tooLarge("the body is " + declaredLength + " bytes; the limit is " + maxBytes);
        }
        return new Sink(declaredLength, gzip);
    }

    /**
     * One body being read. Keeps at most {@code maxBytes}; a body found to be over the limit is read on, and
     * thrown away, up to the drain allowance (see {@link #DRAIN_FACTOR}) and then refused with 413. Not thread-safe:
     * one reader at a time.
     */
    public final class Sink {

        private final boolean gzip;
        /** How many bytes in all are worth reading; reading stops there even if the client sends more. */
        private final long allowance;
        private byte[] kept;
        private int size;
        private long seen;
        private String refusal;
        private IOException failure;

        private Sink(long declaredLength, boolean gzip) {
            this.gzip = gzip;
            if (declaredLength > maxBytes) {
                this.refusal = "the body is " + declaredLength + " bytes; the limit is " + maxBytes;
                this.allowance = drainLimit();
                this.kept = null;
            } else {
                // Up to the limit and one byte more to tell "exactly the limit" from "over it", then the drain allowance.
                this.allowance = (long) maxBytes + 1 + drainLimit();
                this.kept = new byte[(int) Math.min(maxBytes, declaredLength >= 0 ? declaredLength : DRAIN_BUFFER)];
            }
        }

        /** How many more bytes are worth reading; 0 once a refused body's drain allowance is used up. */
        public int wanted() {
            return (int) Math.min(Integer.MAX_VALUE, Math.max(0, allowance - seen));
        }

        /** The bytes read so far, kept or not. */
        public long seen() {
            return seen;
        }

        public void accept(byte[] bytes, int offset, int length) {
            seen += length;
            if (refusal != null) {
                return;
            }
            if ((long) size + length > maxBytes) {
                refusal = "the body is larger than the limit of " + maxBytes + " bytes";
                kept = null;
                return;
            }
            if (size + length > kept.length) {
                kept = Arrays.copyOf(kept, (int) Math.min(maxBytes, Math.max((long) kept.length * 2, (long) size + length)));
            }
            System.arraycopy(bytes, offset, kept, size, length);
            size += length;
        }

        /** Reading failed (the client went away, or sent a broken chunk): a refused body is still 413, anything else 400. */
        public void failed(IOException e) {
            failure = e;
        }

        /** The body, inflated if it was gzip; or the 413 or 400 it earned. */
        public byte[] finish() {
            if (refusal != null) {
                throw ApiException.tooLarge(refusal);
            }
            if (failure != null) {
                throw ApiException.badRequest("the body could not be read: " + failure.getMessage());
            }
            byte[] sent = size == kept.length ? kept : Arrays.copyOf(kept, size);
            return gzip ? inflate(sent) : sent;
        }
    }

    private long drainLimit() {
        return (long) maxBytes * DRAIN_FACTOR;
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
