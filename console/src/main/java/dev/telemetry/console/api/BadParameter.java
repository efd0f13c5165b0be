package dev.telemetry.console.api;

/** A request the API refuses because of one query parameter: answered 400 naming it. */
public final class BadParameter extends RuntimeException {

    private final String parameter;

    public BadParameter(String parameter, String message) {
        super(message);
        this.parameter = parameter;
    }

    public String parameter() {
        return parameter;
    }
}
