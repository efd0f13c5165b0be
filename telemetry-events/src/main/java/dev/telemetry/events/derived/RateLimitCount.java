package dev.telemetry.events.derived;

import java.time.Instant;

/**
 * Requests from one IP to one endpoint of one app in one minute, on {@code telemetry.ratelimit}
 * (key = {@code app|ip|endpoint}), emitted once when the minute closes. The finding for crossing the limit
 * does not wait for this: it is published on {@code telemetry.security} the moment the limit is crossed.
 *
 * @param limit    the configured requests per minute
 * @param exceeded whether {@code count > limit}
 */
public record RateLimitCount(int schemaVersion, String app, String ip, String endpoint, Instant windowStart,
                             Instant windowEnd, long count, int limit, boolean exceeded) {

    public static final int SCHEMA_VERSION = 1;

    /** The Kafka key: app, IP and endpoint. */
    public String key() {
        return app + "|" + ip + "|" + endpoint;
    }
}
