package dev.telemetry.console;

import dev.telemetry.console.api.BadParameter;
import dev.telemetry.console.api.ChangeFeed;
import dev.telemetry.console.api.ConsoleApi;
import dev.telemetry.console.api.ErrorsApi;
import dev.telemetry.console.api.LabApi;
import dev.telemetry.console.api.MetricsApi;
import dev.telemetry.console.api.OverviewApi;
import dev.telemetry.console.api.SilencesApi;
import dev.telemetry.console.api.SloApi;
import dev.telemetry.console.api.SyntheticApi;
import dev.telemetry.console.api.VitalsApi;
import dev.telemetry.console.auth.AuthHttp;
import dev.telemetry.console.auth.ConsoleAuth;
import dev.telemetry.console.auth.SessionStore;
import dev.telemetry.console.config.ConsoleConfig;
import dev.telemetry.console.kafka.ReadModelConsumer;
import dev.telemetry.console.overview.AcceptedEvents;
import dev.telemetry.console.overview.HealthPoller;
import dev.telemetry.console.overview.OffsetSampler;
import dev.telemetry.console.refusal.ApiError;
import dev.telemetry.console.silence.SinkSilences;
import dev.telemetry.console.view.AlertView;
import dev.telemetry.console.view.DeadLetter;
import dev.telemetry.console.view.Delivery;
import dev.telemetry.console.view.DeliveryView;
import dev.telemetry.console.view.ErrorView;
import dev.telemetry.console.view.Finding;
import dev.telemetry.console.view.RateLimitView;
import dev.telemetry.console.view.SecurityView;
import dev.telemetry.console.view.SeriesView;
import dev.telemetry.console.view.SloView;
import dev.telemetry.console.view.SyntheticView;
import dev.telemetry.console.view.VitalOffenders;
import dev.telemetry.console.view.VitalOffendersView;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.RateLimitCount;
import dev.telemetry.events.derived.SloReport;
import dev.telemetry.events.derived.Summary;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.service.ops.Health;
import dev.telemetry.service.ops.KafkaHealth;
import dev.telemetry.service.ops.Metrics;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console: the read model ({@link ReadModelConsumer} into {@link SeriesView} and {@link AlertView}), its
 * JSON API under {@code /api}, the page under {@code /} (static files from the jar's {@code /public}), and
 * {@code /health} and {@code /metrics}.
 */
public final class ConsoleServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);
    static final String VERSION = ConsoleServer.class.getPackage().getImplementationVersion() == null
            ? "dev" : ConsoleServer.class.getPackage().getImplementationVersion();
    /** What every response says about how the browser may treat it: only our own scripts, no framing, no sniffing. */
    static final String CSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    private static final String API_ERROR = "console.apiError";
    /** How long one "try this rule" backtest may run before it is stopped. */
    static final Duration LAB_TIME_LIMIT = Duration.ofSeconds(60);

    private final Javalin app;
    private final ReadModelConsumer consumer;
    private final ChangeFeed feed;
    private final List<AutoCloseable> samplers;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ConsoleServer(Javalin app, ReadModelConsumer consumer, ChangeFeed feed, List<AutoCloseable> samplers) {
        this.app = app;
        this.consumer = consumer;
        this.feed = feed;
        this.samplers = samplers;
    }

    public static ConsoleServer start(ConsoleConfig config) {
        return start(config, Clock.systemUTC());
    }

    public static ConsoleServer start(ConsoleConfig config, Clock clock) {
        PrometheusMeterRegistry registry = Metrics.registry("console");
        ConsoleConfig.Views v = config.views();
        SeriesView series = new SeriesView(v.retention(), v.maxSeries(), v.maxWindowsPerSeries(), clock);
        AlertView alerts = new AlertView(v.retention(), v.maxAlerts(), clock);
        DeliveryView deliveries = new DeliveryView(v.retention(), v.maxRecords(), clock);
        SecurityView security = new SecurityView(v.retention(), v.maxRecords(), clock);
        RateLimitView rateLimits = new RateLimitView(v.retention(), v.maxRecords(), clock);
        ErrorView errors = new ErrorView(v.retention(), v.maxFingerprints(), clock);
        SyntheticView synthetic = new SyntheticView(v.retention(), v.maxSeries(), clock);
        // One SLO of one app is one series of reports: the same caps as the metric series.
        SloView slos = new SloView(v.retention(), v.maxSeries(), v.maxWindowsPerSeries(), clock);
        // One app, page and vital's top offenders per window (telemetry.vitals-attribution): a series too, same caps;
        // and, since each record names up to top-n targets, at most max-records × 5 records and targets in all.
        VitalOffendersView vitalOffenders = new VitalOffendersView(v.retention(), v.maxSeries(), v.maxWindowsPerSeries(),
                5L * v.maxRecords(), clock);
        registry.gauge("console.series", series, SeriesView::seriesCount);
        registry.gauge("console.windows", series, s -> (double) s.windowCount());
        registry.gauge("console.alerts", alerts, AlertView::size);
        registry.gauge("console.deliveries", deliveries, DeliveryView::size);
        registry.gauge("console.findings", security, SecurityView::size);
        registry.gauge("console.ratelimit.counts", rateLimits, RateLimitView::size);
        registry.gauge("console.error.fingerprints", errors, ErrorView::size);
        registry.gauge("console.synthetic.checks", synthetic, SyntheticView::size);
        registry.gauge("console.slos", slos, SloView::size);
        registry.gauge("console.vital.offenders", vitalOffenders, VitalOffendersView::size);
        TopicCatalogue topics = config.topicCatalogue();
        JsonCodec codec = JsonCodec.standard();
        ChangeFeed feed = new ChangeFeed(1000, 15_000, 200);
        Map<String, ReadModelConsumer.Handler> handlers = new LinkedHashMap<>();
        handlers.put(topics.name(Topic.SUMMARIES), b -> {
            Summary s = codec.read(b, Summary.class);
            if (series.add(s)) {
                feed.changed("series");
                // The errors and synthetic views read their counts from these summaries.
                changed(feed, "errors", ErrorsApi.METRIC.equals(s.metric()));
                changed(feed, "synthetic", SyntheticApi.AVAILABILITY.equals(s.metric()) || SyntheticApi.DURATION.equals(s.metric()));
            }
        });
        handlers.put(topics.name(Topic.ALERTS), b -> {
            AlertEvent a = codec.read(b, AlertEvent.class);
            boolean added = alerts.add(a);
            changed(feed, "alerts", added);
            changed(feed, "errors", errors.add(a)); // new / regressed fingerprints
            changed(feed, "slo", added && SloApi.ALERT.equals(a.rule())); // the SLO cards show their burn-rate alerts
        });
        handlers.put(topics.name(Topic.ERRORS), b -> changed(feed, "errors", errors.add(codec.readEnvelope(b))));
        handlers.put(topics.name(Topic.SYNTHETIC), b -> changed(feed, "synthetic", synthetic.add(codec.readEnvelope(b))));
        handlers.put(topics.name(Topic.SLO), b -> changed(feed, "slo", slos.add(codec.read(b, SloReport.class))));
        handlers.put(topics.name(Topic.VITALS_ATTRIBUTION), b -> changed(feed, "vitals",
                vitalOffenders.add(codec.read(b, VitalOffenders.class))));
        handlers.put(topics.name(Topic.NOTIFICATIONS), b -> changed(feed, "deliveries", deliveries.add(codec.read(b, Delivery.class))));
        handlers.put(topics.name(Topic.ALERTS_DLQ), b -> changed(feed, "deliveries", deliveries.add(codec.read(b, DeadLetter.class))));
        handlers.put(topics.name(Topic.SECURITY), b -> changed(feed, "security", security.add(Finding.of(codec.readEnvelope(b)))));
        handlers.put(topics.name(Topic.RATELIMIT), b -> changed(feed, "ratelimit", rateLimits.add(codec.read(b, RateLimitCount.class))));
        // The sink's silences topic only says "changed": a silence made on another replica or the sink's own API
        // refreshes open pages too (the list itself always comes from the sink's API).
        handlers.put(topics.name(Topic.SILENCES), b -> feed.changed("silences"));
        ReadModelConsumer consumer = new ReadModelConsumer(config.kafka().bootstrapServers(), handlers, () -> {
            series.prune();
            alerts.prune();
            deliveries.prune();
            security.prune();
            rateLimits.prune();
            errors.prune();
            synthetic.prune();
            slos.prune();
            vitalOffenders.prune();
        }, v.retention(), config.kafka().pollTimeout(), config.kafka().metadataRefresh(), clock, registry).start();
        ConsoleApi api = new ConsoleApi(series, alerts, deliveries, security, rateLimits);
        ErrorsApi errorsApi = new ErrorsApi(series, errors);
        SyntheticApi syntheticApi = new SyntheticApi(series, synthetic);
        SloApi sloApi = new SloApi(slos, alerts);
        SilencesApi silences = new SilencesApi(new SinkSilences(config.services().sink(), config.silences().adminToken(),
                config.silences().requestTimeout(), codec), feed, codec, clock);
        AuthHttp auth = new AuthHttp(new ConsoleAuth(config.auth(), new SessionStore(config.auth().sessionTtl(),
                config.auth().maxSessions(), clock)), codec);
        // The overview's background samplers: services' health, raw topics' end offsets, the processor's lag.
        ConsoleConfig.Overview o = config.overview();
        HealthPoller servicesHealth = new HealthPoller(HealthPoller.targets(config.services()), o.healthTimeout(), clock,
                () -> feed.changed("overview")).start(o.healthInterval());
        Map<String, String> rawTopics = new LinkedHashMap<>();
        topics.all().forEach((topic, name) -> {
            if (topic.kind() == Topic.Kind.RAW) {
                rawTopics.put(topic.configKey(), name);
            }
        });
        AcceptedEvents accepted = new AcceptedEvents(o.bucket(), o.buckets());
        OffsetSampler offsets = new OffsetSampler(config.kafka().bootstrapServers(), rawTopics, o.processorGroup(), accepted,
                clock, () -> feed.changed("overview")).start(o.sampleInterval());
        List<AutoCloseable> samplers = List.of(servicesHealth, offsets);
        OverviewApi overviewApi = new OverviewApi(servicesHealth::services, offsets::lag, offsets::acceptedError, accepted, rawTopics,
                alerts, series, clock);
        VitalsApi vitalsApi = new VitalsApi(series, vitalOffenders, clock);
        MetricsApi metricsApi = new MetricsApi(series);
        // The "try this rule" page's backtests read the raw topics with their own consumer, one at a time.
        LabApi labApi = new LabApi(config.kafka().bootstrapServers(), topics, codec, clock, LAB_TIME_LIMIT);
        Instant started = Instant.now();
        Duration stalled = config.kafka().pollTimeout().multipliedBy(10).plus(Duration.ofSeconds(30));
        // /health asks the broker itself (the consumer only logs connection errors): at most every 5 s, 2 s at most.
        KafkaHealth kafkaHealth = new KafkaHealth(config.kafka().bootstrapServers(), "console-health", Duration.ofSeconds(2),
                Duration.ofSeconds(5), Clock.systemUTC());

        Javalin app;
        try {
            app = Javalin.create(cfg -> {
                cfg.startup.showJavalinBanner = false;
                // The health check's admin client lives as long as the server.
                cfg.events.serverStopped(kafkaHealth::close);
                cfg.jetty.host = config.http().host();
                cfg.jetty.port = config.http().port();
                cfg.jetty.modifyHttpConfiguration(http -> http.setSendServerVersion(false));
                cfg.staticFiles.add("/public", Location.CLASSPATH);
                // uPlot from its WebJar, at a path without the version so pages need not change on an upgrade.
                cfg.staticFiles.add(files -> {
                    files.hostedPath = "/vendor/uplot";
                    files.directory = "/META-INF/resources/webjars/uplot/1.6.30";
                    files.location = Location.CLASSPATH;
                });
                cfg.routes.before(ctx -> {
                    ctx.header("Content-Security-Policy", CSP);
                    ctx.header("X-Content-Type-Options", "nosniff");
                    ctx.header("Referrer-Policy", "no-referrer");
                });
                // Read token, write token, CSRF and Origin checks: before every route and static file.
                cfg.routes.before(auth::before);
                cfg.routes.get("/api/session", ctx -> json(ctx, codec, 200, auth.status(ctx)));
                cfg.routes.post("/api/session", ctx -> json(ctx, codec, 200, auth.login(ctx)));
                cfg.routes.delete("/api/session", ctx -> json(ctx, codec, 200, auth.logout(ctx)));
                cfg.routes.get("/api/silences", ctx -> json(ctx, codec, 200, silences.list(ctx.queryParamMap())));
                cfg.routes.post("/api/silences", ctx -> json(ctx, codec, 200, silences.create(ctx.bodyAsBytes())));
                cfg.routes.delete("/api/silences/{id}", ctx -> json(ctx, codec, 200, silences.expire(ctx.pathParam("id"))));
                cfg.routes.get("/api/alerts", ctx -> json(ctx, codec, 200, api.alerts(ctx.queryParamMap())));
                cfg.routes.get("/api/series", ctx -> streamJson(ctx, codec, api.series(ctx.queryParamMap())));
                // Not routes.sse: the feed answers 503 (too many streams) or 406 before the stream's headers go out.
                cfg.routes.get("/api/stream", feed::handle);
                cfg.routes.get("/api/deliveries", ctx -> json(ctx, codec, 200, api.deliveries(ctx.queryParamMap())));
                cfg.routes.get("/api/security", ctx -> json(ctx, codec, 200, api.security(ctx.queryParamMap())));
                cfg.routes.get("/api/ratelimit", ctx -> json(ctx, codec, 200, api.rateLimits(ctx.queryParamMap())));
                cfg.routes.get("/api/errors", ctx -> json(ctx, codec, 200, errorsApi.errors(ctx.queryParamMap())));
                cfg.routes.get("/api/synthetic", ctx -> json(ctx, codec, 200, syntheticApi.synthetic(ctx.queryParamMap())));
                cfg.routes.get("/api/slo", ctx -> json(ctx, codec, 200, sloApi.slo(ctx.queryParamMap())));
                cfg.routes.get("/api/overview", ctx -> json(ctx, codec, 200, overviewApi.overview(ctx.queryParamMap())));
                cfg.routes.get("/api/vitals", ctx -> json(ctx, codec, 200, vitalsApi.vitals(ctx.queryParamMap())));
                cfg.routes.get("/api/metrics", ctx -> json(ctx, codec, 200, metricsApi.catalogue(ctx.queryParamMap())));
                // A POST that only reads (ConsoleAuth.READING_POSTS): the rule comes as a JSON body.
                cfg.routes.post("/api/lab/backtest", ctx -> json(ctx, codec, 200,
                        labApi.backtest(ctx.contentType(), ctx.bodyAsBytes())));
                cfg.routes.get("/health", ctx -> {
                    long t0 = System.nanoTime();
                    Map<String, Boolean> checks = new LinkedHashMap<>();
                    // kafka: the broker answers now; consumer: the read model's loop runs; caughtUp: the views hold
                    // what was on the topics when they were assigned (topics not created yet count as empty).
                    checks.put("kafka", kafkaHealth.reachable());
                    checks.put("consumer", consumer.polling(stalled));
                    checks.put("caughtUp", consumer.caughtUp());
                    Map<String, Object> details = new LinkedHashMap<>();
                    details.put("series", series.seriesCount());
                    details.put("windows", series.windowCount());
                    details.put("alerts", alerts.size());
                    details.put("deliveries", deliveries.size());
                    details.put("findings", security.size());
                    details.put("rateLimitCounts", rateLimits.size());
                    details.put("errorFingerprints", errors.size());
                    details.put("syntheticChecks", synthetic.size());
                    details.put("slos", slos.size());
                    details.put("vitalOffenders", vitalOffenders.size());
                    if (consumer.lastError() != null) {
                        details.put("lastError", consumer.lastError());
                    }
                    Health health = Health.of(checks, details);
                    json(ctx, codec, health.status().httpStatus(), health.body(VERSION,
                            Duration.between(started, Instant.now()), (System.nanoTime() - t0) / 1e6));
                });
                cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()));
                // Unknown API paths answer JSON naming the path (the page's own 404s stay Javalin's).
                cfg.routes.error(404, ctx -> {
                    if (ctx.path().startsWith("/api/") && ctx.attribute(API_ERROR) == null) {
                        Map<String, Object> body = new LinkedHashMap<>();
                        body.put("error", "not_found");
                        body.put("path", ctx.path());
                        body.put("message", "no API route " + ctx.path()
                                + " (known: /api/overview, /api/vitals, /api/metrics, /api/series, /api/alerts, /api/errors,"
                                + " /api/security, /api/ratelimit, /api/synthetic, /api/slo, /api/deliveries, /api/silences, /api/session,"
                                + " /api/stream, /api/lab/backtest)");
                        json(ctx, codec, 404, body);
                    }
                });
                cfg.routes.exception(BadParameter.class, (e, ctx) -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("error", "bad_parameter");
                    body.put("parameter", e.parameter());
                    body.put("message", e.parameter() + ": " + e.getMessage());
                    json(ctx, codec, 400, body);
                });
                cfg.routes.exception(ApiError.class, (e, ctx) -> {
                    ctx.attribute(API_ERROR, true); // a 404 of ours (no such silence) is not "no API route"
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("error", e.error());
                    body.put("message", e.getMessage());
                    json(ctx, codec, e.status(), body);
                });
                cfg.routes.exception(Exception.class, (e, ctx) -> {
                    LOG.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
                    json(ctx, codec, 500, Map.of("error", "internal", "message", "unexpected server error"));
                });
            });
            app.start();
        } catch (RuntimeException e) {
            closeAll(samplers);
            consumer.close();
            feed.close();
            kafkaHealth.close();
            throw e;
        }
        LOG.info("console listening on http://{}:{}/", config.http().host(), app.port());
        return new ConsoleServer(app, consumer, feed, samplers);
    }

    private static void changed(ChangeFeed feed, String view, boolean changed) {
        if (changed) {
            feed.changed(view);
        }
    }

    private static void json(Context ctx, JsonCodec codec, int status, Object body) {
        ctx.status(status).contentType("application/json").result(codec.write(body));
    }

    /**
     * Writes a large body straight to the response as it is generated, instead of a byte[] of it all and a copy
     * (a chart of 1 000 series × 360 windows is tens of MB: twice that on a 256 MB heap is what this avoids), and
     * uncompressed: gzip cost more time than it saved on loopback and a LAN (Javalin's level 6: 8.4 s instead of 1.4 s
     * for 100 MB; level 1: 2.7 s; docs/performance.md, "Console").
     */
    private static void streamJson(Context ctx, JsonCodec codec, Object body) throws java.io.IOException {
        ctx.status(200).contentType("application/json").disableCompression();
        codec.mapper().writeValue(ctx.outputStream(), body);
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        feed.close();
        app.stop();
        closeAll(samplers);
        consumer.close();
        LOG.info("console stopped");
    }

    private static void closeAll(List<AutoCloseable> closeables) {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("error while stopping {}", c.getClass().getSimpleName(), e);
            }
        }
    }
}
