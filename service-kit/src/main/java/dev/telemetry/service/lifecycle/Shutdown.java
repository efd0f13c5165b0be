package dev.telemetry.service.lifecycle;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a service until SIGTERM/SIGINT, then closes it once and lets the JVM exit only after the
 * close finished (producer flushed, Streams closed). Used by every {@code main}.
 */
public final class Shutdown {

    private static final Logger LOG = LoggerFactory.getLogger(Shutdown.class);

    private Shutdown() {
    }

    /** Blocks the calling thread until the JVM is asked to stop and {@code service} is closed. */
    public static void runUntilStopped(String name, AutoCloseable service) {
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("{}: stop requested, closing", name);
            try {
                service.close();
                LOG.info("{}: stopped cleanly", name);
            } catch (Exception e) {
                LOG.error("{}: error while stopping", name, e);
            } finally {
                closed.countDown();
            }
        }, name + "-shutdown"));
        try {
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
