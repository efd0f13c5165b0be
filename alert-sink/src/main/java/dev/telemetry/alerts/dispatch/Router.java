package dev.telemetry.alerts.dispatch;

import dev.telemetry.alerts.notify.Notifier;
import dev.telemetry.events.derived.AlertEvent;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides which receivers get an alert: each of the alert's {@code channels} through the configured
 * routes, falling back to the default receivers. A receiver reached by two channels is notified once.
 */
public final class Router {

    private final Map<String, List<Notifier>> routes;
    private final List<Notifier> defaults;
    private final List<Notifier> all;

    /** Names must exist in {@code notifiers}; configuration validation guarantees it. */
    public Router(Map<String, List<String>> routes, List<String> defaultReceivers, Map<String, Notifier> notifiers) {
        this.routes = routes.entrySet().stream().collect(java.util.stream.Collectors.toUnmodifiableMap(
                Map.Entry::getKey, e -> resolve(e.getValue(), notifiers)));
        this.defaults = resolve(defaultReceivers, notifiers);
        this.all = List.copyOf(notifiers.values());
    }

    /** Every configured receiver, routed to or not. */
    public List<Notifier> receivers() {
        return all;
    }

    /** The receivers of {@code alert}, in route order, without duplicates; empty if none is configured. */
    public List<Notifier> route(AlertEvent alert) {
        if (alert.channels().isEmpty()) {
            return defaults;
        }
        Set<Notifier> receivers = new LinkedHashSet<>();
        for (String channel : alert.channels()) {
            receivers.addAll(routes.getOrDefault(channel, defaults));
        }
        return List.copyOf(receivers);
    }

    private static List<Notifier> resolve(List<String> names, Map<String, Notifier> notifiers) {
        List<Notifier> resolved = new ArrayList<>();
        for (String name : names) {
            Notifier notifier = notifiers.get(name);
            if (notifier == null) {
                throw new IllegalArgumentException("no receiver named " + name);
            }
            resolved.add(notifier);
        }
        return List.copyOf(resolved);
    }
}
