package dev.telemetry.gateway;

import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.gateway.config.GatewayConfig;
import dev.telemetry.gateway.ingest.ApiException;
import dev.telemetry.gateway.http.AsyncBodyReader;
import dev.telemetry.gateway.http.ConnectionGuard;
import dev.telemetry.gateway.http.IpMatcher;
import dev.telemetry.gateway.http.ClientAddress;
import dev.telemetry.gateway.http.Cors;
import dev.telemetry.gateway.http.ErrorResponses;
import dev.telemetry.gateway.http.IngestHandler;
import dev.telemetry.gateway.http.IngestRoute;
import dev.telemetry.gateway.http.JsonErrorHandler;
import dev.telemetry.gateway.http.KeyAuthenticator;
import dev.telemetry.gateway.http.RateLimiter;
import dev.telemetry.gateway.ingest.BodyDecoder;
import dev.telemetry.gateway.ingest.BodyReader;
import dev.telemetry.gateway.ingest.Intake;
import dev.telemetry.gateway.kafka.EventPublisher;
import dev.telemetry.service.ops.ErrorReporter;
import dev.telemetry.service.ops.Health;
import dev.telemetry.service.ops.KafkaHealth;
import dev.telemetry.service.ops.Metrics;
import io.javalin.Javalin;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest gateway: a Javalin server in front of an {@link EventPublisher}. Routes are the API
 * table of DESIGN.md plus {@code GET /api/health} and {@code GET /metrics}.
 */
public final class GatewayServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);
    /** One line per request; its own logger so operators can route or silence it. */
    private static final Logger ACCESS = LoggerFactory.getLogger("dev.telemetry.gateway.access");
    /** How often the slow-client deadlines are checked: a cut-off comes at most this much after its deadline. */
    static final Duration SWEEP = Duration.ofMillis(250);
    static final String VERSION = GatewayServer.class.getPackage().getImplementationVersion() == null
            ? "dev" : GatewayServer.class.getPackage().getImplementationVersion();

    private final Javalin app;
    private final EventPublisher publisher;
    private final KafkaHealth kafkaHealth;
    private final KafkaClientMetrics producerMetrics;
    private final PrometheusMeterRegistry registry;
    private final ErrorReporter reporter;
    private final ExecutorService responder;
    private final ScheduledExecutorService sweeper;
    private final AtomicBoolean closed = new AtomicBoolean();

    private GatewayServer(Javalin app, EventPublisher publisher, KafkaHealth kafkaHealth,
                          KafkaClientMetrics producerMetrics, PrometheusMeterRegistry registry, ErrorReporter reporter,
                          ExecutorService responder, ScheduledExecutorService sweeper) {
        this.app = app;
        this.publisher = publisher;
        this.kafkaHealth = kafkaHealth;
        this.producerMetrics = producerMetrics;
        this.registry = registry;
        this.reporter = reporter;
        this.responder = responder;
        this.sweeper = sweeper;
    }

    /** Starts with Sentry reporting when {@code SENTRY_DSN} is set in the environment. */
    public static GatewayServer start(GatewayConfig config) {
        return start(config, ErrorReporter.fromEnvironment(System.getenv(), "ingest-gateway", VERSION));
    }

    public static GatewayServer start(GatewayConfig config, ErrorReporter reporter) {
        PrometheusMeterRegistry registry = Metrics.registry("ingest-gateway");
        EventPublisher publisher = EventPublisher.create(config);
        KafkaClientMetrics producerMetrics = new KafkaClientMetrics(publisher.producer());
        producerMetrics.bindTo(registry);
        KafkaHealth kafkaHealth = new KafkaHealth(config.kafka().bootstrapServers(), "ingest-gateway-health", Duration.ofSeconds(2));
        JsonCodec codec = JsonCodec.standard();
        ErrorResponses responses = new ErrorResponses(codec);
        Cors cors = new Cors(config.keys());
        ExecutorService responder = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()), runnable -> {
            Thread thread = new Thread(runnable, "ingest-responder");
            thread.setDaemon(true);
            return thread;
        });
        // Slow clients: deadlines for heads and bodies, enforced a few times a second; a cap per client address.
        GatewayConfig.Http http = config.http();
        ConnectionGuard connections = new ConnectionGuard(http.maxConnectionsPerIp(), new IpMatcher(http.trustedProxies()),
                http.headerTimeout(), registry, System::nanoTime);
        AsyncBodyReader bodies = new AsyncBodyReader(http.bodyTimeout(), http.minBodyBytesPerSecond(), registry, responder,
                System::nanoTime);
        ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "slow-client-sweeper");
            thread.setDaemon(true);
            return thread;
        });
        sweeper.scheduleWithFixedDelay(() -> {
            try {
                connections.sweep();
                bodies.sweep();
            } catch (RuntimeException e) {
                // An exception would cancel the schedule, and with it every deadline.
                LOG.error("slow-client sweep failed", e);
            }
        }, SWEEP.toMillis(), SWEEP.toMillis(), TimeUnit.MILLISECONDS);
        IngestHandler ingest = new IngestHandler(
                new KeyAuthenticator(config.keys()), cors, new ClientAddress(config.http().trustedProxies()),
                new RateLimiter(config.rateLimits().perIp(), System::nanoTime),
                new RateLimiter(config.rateLimits().perKey(), System::nanoTime),
                new RateLimiter(config.rateLimits().perKeyEvents(), System::nanoTime),
                new BodyReader(config.limits().bodyBytes(), config.limits().inflatedBodyBytes()), bodies,
                new BodyDecoder(codec, config.limits().itemsPerBatch()),
                new Intake(config.limits().events(), config.clockSkew().policy(), Clock.systemUTC()),
                publisher, responses, registry, responder);
        Instant started = Instant.now();
        boolean accessLog = config.http().accessLog();

        Map<Integer, Counter> requestsByStatus = new ConcurrentHashMap<>();
        Javalin app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            // (Where to listen is set on the connector added below; these keep Javalin's own view consistent.)
            cfg.jetty.host = config.http().host();
            cfg.jetty.port = config.http().port();
            // The handler enforces its own, configurable body limit while streaming.
            cfg.http.maxRequestSize = config.limits().bodyBytes() + 1L;
            // Larger request lines and headers are refused by Jetty itself with 431 (or 414 for the URI).
            cfg.jetty.modifyHttpConfiguration(httpConfig -> {
                httpConfig.setRequestHeaderSize(config.limits().headerBytes());
                httpConfig.setSendServerVersion(false);
            });
            cfg.jetty.modifyServer(server -> {
                server.setErrorHandler(new JsonErrorHandler(codec));
                // jetty_threads_busy & co.: whether slow clients (or anything else) hold the server's threads.
                new JettyServerThreadPoolMetrics(server.getThreadPool(), List.of()).bindTo(registry);
            });
            // Our own connector, so the connection guard sees every connection and the limits apply from accept on.
            cfg.jetty.addConnector((server, httpConfiguration) -> {
                ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(httpConfiguration));
                connector.setHost(http.host());
                connector.setPort(http.port());
                connector.setIdleTimeout(http.idleTimeout().toMillis());
                connector.addEventListener(connections);
                // Beyond this many connections the connector stops accepting until one closes; the OS backlog queues them.
                server.addBean(new NetworkConnectionLimit(http.maxConnections(), connector));
                return connector;
            });
            cfg.requestLogger.http((ctx, ms) -> {
                int status = ctx.statusCode();
                // Looked up, not built and registered, per request: this runs for every request the gateway answers.
                requestsByStatus.computeIfAbsent(status, s -> Counter.builder("ingest.requests")
                        .description("HTTP requests, by status").tag("status", String.valueOf(s)).register(registry))
                        .increment();
                if (accessLog) {
                    // The path only: the query string may hold ?key=. Headers and bodies are never logged.
                    String ip = ctx.attribute(IngestHandler.CLIENT_IP);
                    String appName = ctx.attribute(IngestHandler.APP);
                    ACCESS.info("{} {} {} {}ms ip={} app={}", ctx.method(), ctx.path(), status, Math.round(ms),
                            ip == null ? ctx.req().getRemoteAddr() : ip, appName == null ? "-" : appName);
                }
            });
            cfg.routes.before("/api/*", cors::exposeTo);
            for (IngestRoute route : IngestRoute.ALL) {
                cfg.routes.post(route.path(), ctx -> ingest.handle(ctx, route));
                cfg.routes.options(route.path(), cors::preflight);
            }
            // The HTTP ceiling: does no work, so benchmarks can compare the ingest routes with it.
            cfg.routes.get("/api/ping", ctx -> ctx.status(204));
            cfg.routes.post("/api/ping", ctx -> ctx.status(204));
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
                // Our bug, not the client's: log it with the stack, report it, answer without internals.
                LOG.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
                reporter.report(e, ctx.method() + " " + ctx.path());
                responses.json(ctx, 500, Map.of("error", "internal", "message", "unexpected server error"));
            });
        });
        app.start();
        LOG.info("ingest gateway listening on http://{}:{}", config.http().host(), app.port());
        return new GatewayServer(app, publisher, kafkaHealth, producerMetrics, registry, reporter, responder, sweeper);
    }

    public int port() {
        return app.port();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The gateway's publisher: tests break its producer to see how a bug of ours is answered and reported. */
    EventPublisher publisher() {
        return publisher;
    }

    /** Stops accepting requests first, then flushes and closes the producer so no accepted event is lost. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        app.stop();
        sweeper.shutdownNow();
        publisher.close();
        responder.shutdown();
        producerMetrics.close();
        kafkaHealth.close();
        reporter.close();
        LOG.info("ingest gateway stopped; producer flushed");
    }
}
