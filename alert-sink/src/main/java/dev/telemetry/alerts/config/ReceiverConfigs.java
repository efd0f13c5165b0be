package dev.telemetry.alerts.config;

import dev.telemetry.service.config.ConfigException;
import dev.telemetry.service.config.Require;

/** Checks shared by every receiver kind. */
final class ReceiverConfigs {

    private ReceiverConfigs() {
    }

    /** Names become metric tags and log fields, so they stay short and plain. */
    static void requireName(String key, String name) {
        Require.notBlank(key + ".name", name);
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
            throw new ConfigException(key + ".name", "'" + name
                    + "' must be 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }
}
