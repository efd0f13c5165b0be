package dev.telemetry.console.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.telemetry.console.refusal.ApiError;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.topic.TopicCatalogue;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link LabApi}'s bounds without a broker: a "broker" that accepts connections and never answers keeps a backtest
 * busy (until the reader's broker timeout), so a second one meanwhile is refused 429; the first ends 503.
 */
class LabApiTest {

    private static final byte[] RULE = "{\"metric\": \"response_time\", \"operator\": \"gt\", \"threshold\": 1000}"
            .getBytes(StandardCharsets.UTF_8);

    @Test
    void shouldRunOneBacktestAtATimeAndAnswer503WhenTheBrokerDoesNotAnswer() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept()); // read nothing, answer nothing
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            LabApi api = new LabApi("127.0.0.1:" + silent.getLocalPort(), TopicCatalogue.defaults(),
                    JsonCodec.standard(), Clock.systemUTC(), Duration.ofSeconds(60));

            // The first caller holds the slot for the reader's 10 s broker timeout (its outcome: 503); a second one
            // meanwhile is refused at once.
            CompletableFuture<Throwable> first = CompletableFuture.supplyAsync(() -> {
                try {
                    api.backtest("application/json", RULE);
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> api.running() || first.isDone());
            assertThat(first).as("the first backtest is still waiting for the broker").isNotDone();
            assertThatThrownBy(() -> api.backtest("application/json", RULE)).as("a second backtest while one runs")
                    .isInstanceOfSatisfying(ApiError.class, busy -> {
                        assertThat(busy.status()).isEqualTo(429);
                        assertThat(busy.error()).isEqualTo("busy");
                    });
            Throwable outcome = first.get(60, TimeUnit.SECONDS);
            assertThat(outcome).isInstanceOf(ApiError.class);
            assertThat(((ApiError) outcome).status()).isEqualTo(503);
            assertThat(((ApiError) outcome).error()).isEqualTo("kafka_unavailable");
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void shouldRefuseWhatIsNotJson() {
        LabApi api = new LabApi("127.0.0.1:1", TopicCatalogue.defaults(), JsonCodec.standard(), Clock.systemUTC(),
                Duration.ofSeconds(60));
        assertThatThrownBy(() -> api.backtest("text/plain", RULE)).isInstanceOfSatisfying(ApiError.class,
                e -> assertThat(e.status()).isEqualTo(415));
        assertThatThrownBy(() -> api.backtest("application/json", "{\"metric\": \"x\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(BadParameter.class, e -> assertThat(e.parameter()).isEqualTo("operator"));
    }
}
