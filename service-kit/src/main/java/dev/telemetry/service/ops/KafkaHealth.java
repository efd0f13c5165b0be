package dev.telemetry.service.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Answers "is the Kafka cluster reachable right now?" for a health endpoint: an admin {@code describeCluster}
 * bounded by {@code timeout}. A client whose own loop only logs connection errors (a consumer, a producer)
 * cannot say this by itself. With {@code cacheFor} above zero the answer is reused for that long, so a health
 * endpoint polled often (a page, a load balancer) asks the broker at most once per {@code cacheFor}; callers
 * arriving while a check runs wait for it and share its answer.
 *
 * <p>Needs {@code kafka-clients} on the class path (an optional dependency of service-kit).
 */
public final class KafkaHealth implements AutoCloseable {

    private final Admin admin;
    private final Duration timeout;
    private final Duration cacheFor;
    private final Clock clock;
    private Instant checkedAt;
    private boolean reachable;

    /** Asks the broker on every call. */
    public KafkaHealth(String bootstrapServers, String clientId, Duration timeout) {
        this(bootstrapServers, clientId, timeout, Duration.ZERO, Clock.systemUTC());
    }

    public KafkaHealth(String bootstrapServers, String clientId, Duration timeout, Duration cacheFor, Clock clock) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        this.admin = Admin.create(p);
        this.timeout = timeout;
        this.cacheFor = cacheFor;
        this.clock = clock;
    }

    /** Whether the cluster answered within the timeout (or did so less than {@code cacheFor} ago). */
    public synchronized boolean reachable() {
        Instant now = clock.instant();
        if (checkedAt != null && now.isBefore(checkedAt.plus(cacheFor))) {
            return reachable;
        }
        reachable = ask();
        checkedAt = clock.instant();
        return reachable;
    }

    private boolean ask() {
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .nodes().get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
