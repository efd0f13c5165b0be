package dev.telemetry.alerts.inhibit;

import dev.telemetry.alerts.model.Labels;
import dev.telemetry.alerts.mute.Mute;
import dev.telemetry.alerts.mute.Muter;
import dev.telemetry.alerts.silence.Matcher;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The muter that mutes alerts inhibited by a firing one (e.g. a critical alert of an app
 * mutes its lower severities). It learns which alerts fire from the alerts it sees, so after a
 * restart it knows the sources consumed since then.
 */
public final class Inhibitor implements Muter {

    private record Rule(List<Matcher> sources, List<Matcher> targets, List<String> equal) {
    }

    private final List<Rule> rules;
    private final Map<String, AlertEvent> firing = new ConcurrentHashMap<>();

    public Inhibitor(List<InhibitRule> rules) {
        this.rules = rules.stream().map(r -> new Rule(r.sources(), r.targets(), r.equal())).toList();
    }

    @Override
    public void observe(AlertEvent alert) {
        if (alert.status() == AlertStatus.FIRING) {
            firing.put(alert.fingerprint(), alert);
        } else {
            firing.remove(alert.fingerprint());
        }
    }

    @Override
    public Optional<Mute> muted(AlertEvent alert, Instant now) {
        Map<String, String> target = Labels.of(alert);
        for (Rule rule : rules) {
            if (!rule.targets().stream().allMatch(m -> m.matches(target))) {
                continue;
            }
            for (AlertEvent source : firing.values()) {
                if (source.fingerprint().equals(alert.fingerprint())) {
                    continue;
                }
                Map<String, String> labels = Labels.of(source);
                if (rule.sources().stream().allMatch(m -> m.matches(labels))
                        && rule.equal().stream().allMatch(name -> Objects.equals(labels.get(name), target.get(name)))) {
                    return Optional.of(Mute.inhibited("inhibited by " + source.rule() + " [" + source.fingerprint() + "]"));
                }
            }
        }
        return Optional.empty();
    }
}
