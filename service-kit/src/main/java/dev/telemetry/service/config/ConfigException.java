package dev.telemetry.service.config;

/** A configuration problem found at start-up; the message always names the offending key. */
public final class ConfigException extends RuntimeException {

    private final String key;

    public ConfigException(String key, String problem) {
        super(key + ": " + problem);
        this.key = key;
    }

    public ConfigException(String key, String problem, Throwable cause) {
        super(key + ": " + problem, cause);
        this.key = key;
    }

    /** The dotted path of the bad key, e.g. {@code http.port}. */
    public String key() {
        return key;
    }
}
