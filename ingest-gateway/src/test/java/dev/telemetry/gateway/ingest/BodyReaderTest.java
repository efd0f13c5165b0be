package dev.telemetry.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class BodyReaderTest {

    private final BodyReader reader = new BodyReader(100, 1000);

    @Test
    void shouldInflateGzipWhenContentEncodingSaysSo() throws IOException {
        byte[] body = reader.read(new ByteArrayInputStream(gzip(new byte[500])), -1, "GZIP");
        assertThat(body).hasSize(500);
    }

    @Test
    void shouldRefuseWith413WhenTheInflatedBodyExceedsItsLimit() throws IOException {
        byte[] bomb = gzip(new byte[1001]);
        assertThat(bomb.length).isLessThan(100);
        assertThatThrownBy(() -> reader.read(new ByteArrayInputStream(bomb), bomb.length, "gzip"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(413);
                    assertThat(e.getMessage()).contains("inflates to more than the limit of 1000 bytes");
                });
    }

    @Test
    void shouldRefuseWith413WhenAnUndeclaredBodyStreamsPastTheLimit() {
        assertThatThrownBy(() -> reader.read(new ByteArrayInputStream(new byte[101]), -1, null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(413));
        assertThatThrownBy(() -> reader.read(new ByteArrayInputStream(new byte[0]), 101, null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage()).contains("101 bytes"));
    }

    @Test
    void shouldReadARefusedBodyToItsEndWhenItIsWithinTheDrainAllowanceSoTheClientCanReadThe413() {
        ByteArrayInputStream declared = new ByteArrayInputStream(new byte[400]);
        assertThatThrownBy(() -> reader.read(declared, 400, null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(413));
        assertThat(declared.available()).as("left unread").isZero();

        ByteArrayInputStream chunked = new ByteArrayInputStream(new byte[399]);
        assertThatThrownBy(() -> reader.read(chunked, -1, null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(413));
        assertThat(chunked.available()).as("left unread").isZero();
    }

    @Test
    void shouldNotReadARefusedBodyFarBeyondTheLimit() {
        ByteArrayInputStream declared = new ByteArrayInputStream(new byte[1000]);
        assertThatThrownBy(() -> reader.read(declared, 1000, null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(413));
        assertThat(declared.available()).as("nothing read of a body declared 10 × the limit").isEqualTo(1000);

        ByteArrayInputStream chunked = new ByteArrayInputStream(new byte[1000]);
        assertThatThrownBy(() -> reader.read(chunked, -1, null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(413));
        assertThat(chunked.available()).as("read up to the limit, then 4 × the limit in all").isEqualTo(1000 - 101 - 400);
    }

    @Test
    void shouldRefuseWith415WhenTheEncodingIsNotGzipOrIdentity() {
        assertThatThrownBy(() -> reader.read(new ByteArrayInputStream(new byte[1]), 1, "br"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(415));
        assertThat(reader.read(new ByteArrayInputStream("x".getBytes(StandardCharsets.UTF_8)), 1, "identity")).hasSize(1);
    }

    @Test
    void shouldAssembleABodyThatArrivesInPiecesAndStopWantingARefusedOneAfterItsDrainAllowance() {
        BodyReader.Sink sink = reader.open(-1, null);
        for (byte b : "{\"a\":1}".getBytes(StandardCharsets.UTF_8)) {
            sink.accept(new byte[] {b}, 0, 1);
        }
        assertThat(new String(sink.finish(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");

        BodyReader.Sink refused = reader.open(-1, null);
        refused.accept(new byte[300], 0, 300);
        assertThat(refused.wanted()).as("over the limit of 100: read on to 101 + 400 in all, then stop").isEqualTo(201);
        refused.accept(new byte[201], 0, 201);
        assertThat(refused.wanted()).isZero();
        assertThatThrownBy(refused::finish).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(413));
    }

    @Test
    void shouldAnswer400WhenTheClientWentAwayMidBodyAnd413WhenTheBodyWasAlreadyTooLarge() {
        BodyReader.Sink broken = reader.open(50, null);
        broken.accept(new byte[10], 0, 10);
        broken.failed(new IOException("early EOF"));
        assertThatThrownBy(broken::finish).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).contains("early EOF");
        });

        BodyReader.Sink large = reader.open(200, null);
        large.failed(new IOException("early EOF"));
        assertThatThrownBy(large::finish).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(413));
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }
}
