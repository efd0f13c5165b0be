package dev.telemetry.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** /api/series gzips its (large) answer itself, at the fastest level, only for clients that take gzip. */
class AcceptsGzipTest {

    @Test
    void shouldGzipOnlyWhenTheClientTakesIt() {
        assertThat(ConsoleServer.acceptsGzip("gzip, deflate, br, zstd")).isTrue(); // Chromium
        assertThat(ConsoleServer.acceptsGzip("br;q=1.0, gzip;q=0.8")).isTrue();
        assertThat(ConsoleServer.acceptsGzip("GZIP")).isTrue();
        assertThat(ConsoleServer.acceptsGzip(null)).isFalse(); // the JDK's HttpClient sends none
        assertThat(ConsoleServer.acceptsGzip("identity")).isFalse();
        assertThat(ConsoleServer.acceptsGzip("gzip;q=0, br")).isFalse();
        assertThat(ConsoleServer.acceptsGzip("gzip; q=0.0")).isFalse();
        assertThat(ConsoleServer.acceptsGzip("x-gzip")).isFalse();
    }
}
