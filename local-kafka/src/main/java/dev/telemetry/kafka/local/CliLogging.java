package dev.telemetry.kafka.local;

/** Keeps the command-line tools quiet: warnings and errors only, on stderr so that stdout stays data. */
final class CliLogging {

    private static final String PROPERTY = "logback.configurationFile";

    private CliLogging() {
    }

    /** Must run before the first logger is created; a config chosen with -Dlogback.configurationFile wins. */
    static void install() {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, "dev/telemetry/kafka/local/cli-logback.xml");
        }
    }
}
