package dev.telemetry.gateway;

import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.gateway.config.GatewayConfig;
import dev.telemetry.gateway.http.ApiException;
import dev.telemetry.gateway.http.ErrorResponses;
import dev.telemetry.gateway.http.IngestHandler;
import dev.telemetry.gateway.http.IngestRoute;
import dev.telemetry.gateway.http.KeyAuthenticator;
import dev.telemetry.gateway.ingest.BodyDecoder;
import dev.telemetry.gateway.ingest.Intake;
import dev.telemetry.gateway.kafka.EventPublisher;
import dev.telemetry.gateway.kafka.KafkaHealth;
import dev.telemetry.service.ops.Health;
import dev.telemetry.service.ops.Metrics;
import io.javalin.Javalin;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest gateway: a Javalin server in front of an {@link EventPublisher}. Routes are the API
 * table of DESIGN.md plus {@code GET /api/health} and {@code GET /metrics}.
 */
public final class GatewayServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);
    static final String VERSION = GatewayServer.class.getPackage().getImplementationVersion() == null
            ? "dev" : GatewayServer.class.getPackage().getImplementationVersion();

    private final Javalin app;
    private final EventPublisher publisher;
    private final KafkaHealth kafkaHealth;
    private final KafkaClientMetrics producerMetrics;
    private final PrometheusMeterRegistry registry;
    private final AtomicBoolean closed = new AtomicBoolean();

    private GatewayServer(Javalin app, EventPublisher publisher, KafkaHealth kafkaHealth,
                          KafkaClientMetrics producerMetrics, PrometheusMeterRegistry registry) {
        this.app = app;
        this.publisher = publisher;
        this.kafkaHealth = kafkaHealth;
        this.producerMetrics = producerMetrics;
        this.registry = registry;
    }

    public static GatewayServer start(GatewayConfig config) {
        PrometheusMeterRegistry registry = Metrics.registry("ingest-gateway");
        EventPublisher publisher = EventPublisher.create(config);
        KafkaClientMetrics producerMetrics = new KafkaClientMetrics(publisher.producer());
        producerMetrics.bindTo(registry);
        KafkaHealth kafkaHealth = new KafkaHealth(config.kafka().bootstrapServers(), Duration.ofSeconds(2));
        JsonCodec codec = JsonCodec.standard();
        ErrorResponses responses = new ErrorResponses(codec);
        IngestHandler ingest = new IngestHandler(
                new KeyAuthenticator(config.keys()),
                new BodyDecoder(codec, config.limits().itemsPerBatch()),
                new Intake(config.limits().events(), config.clockSkew().policy(), Clock.systemUTC()),
                publisher, responses, config.limits().bodyBytes(), registry);
        Instant started = Instant.now();

        Javalin app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.host = config.http().host();
            cfg.jetty.port = config.http().port();
            // The handler enforces its own, configurable body limit while streaming.
            cfg.http.maxRequestSize = config.limits().bodyBytes() + 1L;
            for (IngestRoute route : IngestRoute.ALL) {
                cfg.routes.post(route.path(), ctx -> ingest.handle(ctx, route));
            }
            cfg.routes.get("/api/health", ctx -> {
                long t0 = System.nanoTime();
                Map<String, Boolean> checks = new LinkedHashMap<>();
                checks.put("kafka", kafkaHealth.reachable());
                checks.put("producer", publisher.healthy(Duration.ofSeconds(30)));
                Health health = Health.of(checks, Map.of());
                responses.json(ctx, health.status().httpStatus(),
                        health.body(VERSION, Duration.between(started, Instant.now()), (System.nanoTime() - t0) / 1e6));
            });
            cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()));
            cfg.routes.exception(ApiException.class, (e, ctx) -> responses.refused(ctx, e));
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                // Our bug, not the client's: log it with the stack, answer without internals.
                LOG.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
                responses.json(ctx, 500, Map.of("error", "internal", "message", "unexpected server error"));
            });
        });
        app.start();
        LOG.info("ingest gateway listening on http://{}:{}", config.http().host(), app.port());
        return new GatewayServer(app, publisher, kafkaHealth, producerMetrics, registry);
    }

    public int port() {
        return app.port();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Stops accepting requests first, then flushes and closes the producer so no accepted event is lost. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        app.stop();
        publisher.close();
        producerMetrics.close();
        kafkaHealth.close();
        LOG.info("ingest gateway stopped; producer flushed");
    }
}
