package dev.telemetry.benchmarks.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether the pipeline absorbed one step of load: the gateway accepted (nearly) all of it, and the processor kept up,
 * i.e. its consumer group's lag on the raw topic stayed bounded and did not grow. Pure: the step's counts and lag
 * samples in, a verdict with its reasons out.
 *
 * @param minAccepted  accepted events must reach this share of the target (rate × seconds); the load does not make up
 *                     for time lost to slow answers beyond a second, so a gateway that cannot keep up falls short here
 * @param maxNon202    at most this share of the requests may end in anything but 202 (503, other, no answer)
 * @param maxLagSeconds the lag over the last quarter of the step, in seconds of input at the target rate, must stay
 *                     under this (a processor that keeps up is behind by about one commit interval)
 * @param maxLagGrowth the lag's least-squares slope over the step (its first tenth left out), as a share of the target
 *                     rate, must stay under this: a processor that reads slower than the input grows it steadily
 */
record Absorption(double minAccepted, double maxNon202, double maxLagSeconds, double maxLagGrowth) {

    static final Absorption DEFAULT = new Absorption(0.97, 0.001, 5, 0.03);

    /** The step's lag in the benchmark's terms (seconds of input; growth as a share of the rate). */
    record Lag(double endSeconds, double maxSeconds, double growth) {
    }

    /** The verdict and, when not absorbed, every reason. */
    record Verdict(boolean absorbed, Lag lag, List<String> reasons) {
        String describe() {
            return absorbed ? "yes" : "no: " + String.join("; ", reasons);
        }
    }

    /**
     * @param rate       target events per second
     * @param seconds    measured length of the step
     * @param accepted   events the gateway answered 202 for
     * @param requests   requests answered or failed in the step
     * @param non202     of those, answered other than 202 or not at all
     * @param lagSamples (seconds since the step started, lag in events); empty when no processor ran (no lag judged)
     * @param processorFailure why the processor stopped, or null
     */
    Verdict judge(double rate, double seconds, long accepted, long requests, long non202,
                  List<Stats.Point> lagSamples, String processorFailure) {
        List<String> reasons = new ArrayList<>();
        double target = rate * seconds;
        if (accepted < minAccepted * target) {
            reasons.add(String.format(Locale.ROOT, "accepted %.1f %% of the target events", 100.0 * accepted / target));
        }
        if (requests == 0 || non202 > maxNon202 * requests) {
            reasons.add(String.format(Locale.ROOT, "%d of %d requests not answered 202", non202, requests));
        }
        if (processorFailure != null) {
            reasons.add(processorFailure);
        }
        Lag lag = lag(rate, seconds, lagSamples);
        if (lag != null) {
            if (lag.endSeconds() > maxLagSeconds) {
                reasons.add(String.format(Locale.ROOT, "lag at the end %.1f s of input (limit %.1f s)", lag.endSeconds(),
                        maxLagSeconds));
            }
            if (lag.growth() > maxLagGrowth) {
                reasons.add(String.format(Locale.ROOT, "lag grew by %.1f %% of the rate (limit %.1f %%)",
                        100 * lag.growth(), 100 * maxLagGrowth));
            }
        }
        return new Verdict(reasons.isEmpty(), lag, List.copyOf(reasons));
    }

    /** The lag's figures, or null without samples. */
    static Lag lag(double rate, double seconds, List<Stats.Point> samples) {
        if (samples.isEmpty()) {
            return null;
        }
        double max = samples.stream().mapToDouble(Stats.Point::value).max().orElse(0);
        double end = samples.stream().filter(p -> p.t() >= 0.75 * seconds).mapToDouble(Stats.Point::value).max()
                .orElse(samples.get(samples.size() - 1).value());
        List<Stats.Point> settled = samples.stream().filter(p -> p.t() >= 0.1 * seconds).toList();
        return new Lag(end / rate, max / rate, Stats.slope(settled) / rate);
    }
}
