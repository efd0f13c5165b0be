package dev.telemetry.service.lifecycle;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
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

    /**
     * Starts the service and blocks the calling thread until the JVM is asked to stop and the service
     * is closed. The hook is registered before the start: an orchestrator may send SIGTERM while the
     * service is still starting, and that stop must still close whatever was started.
     */
    public static void runUntilStopped(String name, Supplier<? extends AutoCloseable> start) {
        CountDownLatch startFinished = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        AtomicReference<AutoCloseable> service = new AtomicReference<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("{}: stop requested, closing", name);
            try {
                startFinished.await();
                AutoCloseable started = service.get();
                if (started == null) {
                    LOG.info("{}: stopped (it had not started)", name);
                    return;
                }
                started.close();
                LOG.info("{}: stopped cleanly", name);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.error("{}: error while stopping", name, e);
            } finally {
                closed.countDown();
            }
        }, name + "-shutdown"));
        try {
            service.set(start.get());
        } finally {
            startFinished.countDown();
        }
        try {
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
