package dev.telemetry.gateway.ops;

import io.sentry.Sentry;
import io.sentry.SentryOptions;
import java.util.Map;

/**
 * Where the gateway's own unexpected exceptions go, besides the log: Sentry when {@code SENTRY_DSN}
 * is set. Clients' bad input is never reported — it is answered 4xx and counted, not an error of ours.
 */
public interface ErrorReporter extends AutoCloseable {

    void report(Throwable error, String where);

    @Override
    default void close() {
    }

    static ErrorReporter none() {
        return (error, where) -> { };
    }

    /** Sentry if {@code SENTRY_DSN} is set (with {@code SENTRY_ENVIRONMENT}, default {@code production}), else nothing. */
    static ErrorReporter fromEnvironment(Map<String, String> env, String release) {
        String dsn = env.get("SENTRY_DSN");
        if (dsn == null || dsn.isBlank()) {
            return none();
        }
        Sentry.init((SentryOptions options) -> {
            options.setDsn(dsn);
            options.setRelease("ingest-gateway@" + release);
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
