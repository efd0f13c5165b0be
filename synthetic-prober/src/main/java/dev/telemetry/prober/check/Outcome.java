package dev.telemetry.prober.check;

/** How one run of a check went; {@code error} says why it failed, in words an on-call engineer can act on. */
public record Outcome(boolean success, String error) {

    private static final Outcome PASSED = new Outcome(true, null);

    public static Outcome passed() {
        return PASSED;
    }

    public static Outcome failed(String error) {
        return new Outcome(false, error);
    }
}
