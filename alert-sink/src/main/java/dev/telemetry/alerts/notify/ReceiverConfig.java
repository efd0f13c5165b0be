package dev.telemetry.alerts.notify;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Clock;
import java.time.Duration;

/**
 * One configured receiver, selected by {@code type}. Each kind lives beside its notifier in its own
 * package under {@code alerts.notify} and builds that notifier itself; the kinds that YAML may name
 * are listed once, on {@code SinkConfig.receivers}, so this package never imports its sub-packages.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
public interface ReceiverConfig {

    /** Default bound of one delivery call. */
    Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /** The receiver's unique name: what routes refer to and what metrics and logs are tagged with. */
    String name();

    /** Checks this receiver; {@code key} is its position, e.g. {@code receivers[1]}. */
    void validate(String key);

    /** The notifier that serves this receiver; {@code externalUrl} is the sink's own address, for links back. */
    Notifier notifier(String externalUrl, Clock clock);
}
