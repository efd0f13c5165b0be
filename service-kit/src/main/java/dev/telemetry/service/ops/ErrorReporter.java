package dev.telemetry.service.ops;

import io.sentry.Sentry;
import io.sentry.SentryOptions;
import java.util.Map;

/**
 * Where a service's own unexpected exceptions go, besides the log: Sentry when {@code SENTRY_DSN} is set. Only our
 * own failures are reported: a client's bad input is answered or counted where it arrives, not an error of ours.
 */
public interface ErrorReporter extends AutoCloseable {

    /** Reports {@code error}; {@code where} (a route, a thread, a check) becomes the event's {@code where} tag. */
    void report(Throwable error, String where);

    @Override
    default void close() {
    }

    static ErrorReporter none() {
        return (error, where) -> { };
    }

    /**
     * Sentry if {@code SENTRY_DSN} is set (with {@code SENTRY_ENVIRONMENT}, default {@code production}), else nothing.
     * Events carry the release {@code <service>@<release>}, so each service's issues stay apart in one project.
     */
    static ErrorReporter fromEnvironment(Map<String, String> env, String service, String release) {
        String dsn = env.get("SENTRY_DSN");
        if (dsn == null || dsn.isBlank()) {
            return none();
        }
        Sentry.init((SentryOptions options) -> {
            options.setDsn(dsn);
            options.setRelease(service + "@" + release);
            options.setEnvironment(env.getOrDefault("SENTRY_ENVIRONMENT", "production"));
            // sendDefaultPii stays at its default (off): requests carry ingest keys and client IPs, and
            // nothing personal or secret is attached to an event.
        });
        return new ErrorReporter() {
            @Override
            public void report(Throwable error, String where) {
                Sentry.withScope(scope -> {
                    scope.setTag("where", where);
                    Sentry.captureException(error);
                });
            }

            @Override
            public void close() {
                Sentry.close();
            }
        };
    }
}
