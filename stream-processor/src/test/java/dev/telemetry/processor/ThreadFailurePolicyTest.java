package dev.telemetry.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class ThreadFailurePolicyTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final AtomicInteger replaced = new AtomicInteger();
    private final ThreadFailurePolicy policy = new ThreadFailurePolicy(3, Duration.ofMinutes(10), now::get,
            replaced::incrementAndGet);
    private final StreamsException commitFailed = new StreamsException("Error encountered trying to commit a transaction",
            new InvalidTxnStateException("The producer attempted a transactional operation in an invalid state."));

    @Test
    void shouldReplaceThreadWhenATransactionCannotCommitAfterABrokerOutage() {
        assertThat(policy.handle(commitFailed)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(replaced).hasValue(1);
    }

    @Test
    void shouldStopClientWhenThreadsKeepDyingWithinTheWindow() {
        for (int i = 0; i < 3; i++) {
            now.addAndGet(60_000);
            assertThat(policy.handle(commitFailed)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        }

        assertThat(policy.handle(commitFailed)).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        assertThat(replaced).hasValue(3);
    }

    @Test
    void shouldReplaceAgainWhenEarlierFailuresLeftTheWindow() {
        for (int i = 0; i < 3; i++) {
            policy.handle(commitFailed);
        }
        now.addAndGet(Duration.ofMinutes(10).toMillis());

        assertThat(policy.handle(commitFailed)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }
}
