package dev.telemetry.prober.check;

/**
 * Something the prober runs on an interval. A run returns its outcome; it should honour its own
 * timeout, and the {@link CheckScheduler} reports it failed when it does not.
 */
public interface Check {

    String name();

    /**
     * Runs once. A failure is an outcome, not an exception; an exception escaping anyway is reported
     * as a failure with its message. Interruption means the run timed out and should stop.
     */
    Outcome run();
}
