package dev.telemetry.gateway.http;

import dev.telemetry.gateway.config.GatewayConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets by name (an ingest key or a client IP). A request takes one token (or, for the events bucket, one
 * per event); a bucket without enough refuses it with the time until there are, which becomes {@code Retry-After}. The number of
 * buckets is capped: when it is reached, buckets that have refilled completely (and so carry no
 * state worth keeping) are dropped — all of them if none has — so a flood of distinct source
 * addresses can exhaust neither memory nor CPU.
 */
public final class RateLimiter {

    private static final int MAX_BUCKETS = 100_000;

    private final double ratePerNano;
    private final int burst;
    private final LongSupplier nanoTime;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(GatewayConfig.Bucket config, LongSupplier nanoTime) {
        this.ratePerNano = config.rate() / 1e9;
        this.burst = config.burst();
        this.nanoTime = nanoTime;
    }

    /** Takes a token for {@code name}; returns null when allowed, else how long until one is available. */
    public Duration acquire(String name) {
        return acquire(name, 1);
    }

    /**
     * Takes {@code permits} tokens for {@code name} at once or none: returns null when allowed, else how long until
     * that many are available (a batch of events is refused whole, never half-written).
     */
    public Duration acquire(String name, int permits) {
        long now = nanoTime.getAsLong();
        if (buckets.size() >= MAX_BUCKETS && !buckets.containsKey(name)) {
            buckets.values().removeIf(b -> b.isFull(now));
            if (buckets.size() >= MAX_BUCKETS) {
                // Every bucket is in use (a flood of distinct sources): forget them all rather than scan
                // again on the next request, which keeps the cost of a flood constant per request.
                buckets.clear();
            }
        }
        return buckets.computeIfAbsent(name, n -> new Bucket(burst, now)).take(now, permits);
    }

    private final class Bucket {
        private double tokens;
        private long updated;

        Bucket(double tokens, long updated) {
            this.tokens = tokens;
            this.updated = updated;
        }

        synchronized Duration take(long now, int permits) {
            refill(now);
            if (tokens >= permits) {
                tokens -= permits;
                return null;
            }
            return Duration.ofNanos((long) Math.ceil((permits - tokens) / ratePerNano));
        }

        synchronized boolean isFull(long now) {
            refill(now);
            return tokens >= burst;
        }

        private void refill(long now) {
            tokens = Math.min(burst, tokens + (now - updated) * ratePerNano);
            updated = now;
        }
    }
}
