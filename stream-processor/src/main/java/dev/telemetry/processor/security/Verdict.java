package dev.telemetry.processor.security;

/**
 * The detector's answer for one input.
 *
 * @param attackClass null when the input is not an attack
 * @param rule        the name of the rule that matched, for explaining a finding; null when none did
 */
public record Verdict(boolean attack, AttackClass attackClass, String rule) {

    static final Verdict CLEAN = new Verdict(false, null, null);

    static Verdict of(AttackClass attackClass, String rule) {
        return new Verdict(true, attackClass, rule);
    }
}
