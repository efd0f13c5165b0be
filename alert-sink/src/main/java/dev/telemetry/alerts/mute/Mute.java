package dev.telemetry.alerts.mute;

/** Why an alert is not notified: which kind of muter decided, and its words for the log. */
public record Mute(Kind kind, String reason) {

    /** The kinds of muting, each counted under its own metric reason. */
    public enum Kind { SILENCED, INHIBITED }

    public static Mute silenced(String reason) {
        return new Mute(Kind.SILENCED, reason);
    }

    public static Mute inhibited(String reason) {
        return new Mute(Kind.INHIBITED, reason);
    }
}
