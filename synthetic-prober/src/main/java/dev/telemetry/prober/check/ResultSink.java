package dev.telemetry.prober.check;

/** Where finished runs go (the gateway in production, a list in tests). Must not block for long. */
@FunctionalInterface
public interface ResultSink {

    void accept(CheckResult result);
}
