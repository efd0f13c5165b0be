package dev.telemetry.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Follows the processor's {@code processor_records_late_total} (events dropped because their window had closed)
 * across restarts: the counter starts again at 0 in each process, and a killed process cannot be asked afterwards,
 * so it is scraped every second and each run's last value is kept. A killed run's last second may be missed.
 */
public final class LateRecordsMonitor implements AutoCloseable {

    static final String COUNTER = "processor_records_late_total";

    private final URI metrics;
    private final ScheduledExecutorService scraper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "late-records-monitor");
        thread.setDaemon(true);
        return thread;
    });
    private double earlierRuns;
    private double currentRun;

    public LateRecordsMonitor(URI processorMetrics) {
        this.metrics = processorMetrics;
        scraper.scheduleWithFixedDelay(this::scrape, 1, 1, TimeUnit.SECONDS);
    }

    /** Called when the processor is started again: its counter starts again at 0. */
    public synchronized void newRun() {
        earlierRuns += currentRun;
        currentRun = 0;
    }

    /** Late events over every run of the processor so far; scrapes once more first. */
    public synchronized long total() {
        scrape();
        return Math.round(earlierRuns + currentRun);
    }

    private synchronized void scrape() {
        try {
            HttpResponse<String> response = Readiness.HTTP.send(HttpRequest.newBuilder(metrics)
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return;
            }
            currentRun = sum(response.body(), COUNTER);
        } catch (IOException e) {
            // down (killed, restarting, or cut off): the last value stands
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The sum of every sample of a counter in Prometheus text, over all label sets. */
    static double sum(String scrape, String name) {
        return scrape.lines()
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    @Override
    public void close() {
        scraper.shutdownNow();
    }
}
