package dev.telemetry.prober.config;

import dev.telemetry.service.config.ConfigException;
import dev.telemetry.service.config.ConfigLoader;
import dev.telemetry.service.config.Require;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The prober's typed configuration: shipped defaults in {@code /prober.yaml}, an optional user file,
 * then {@code PROBER_*} environment overrides, validated at start-up with errors naming the key.
 *
 * @param gateway where results are posted
 * @param http    the operations endpoint ({@code /health}, {@code /metrics})
 * @param browser the chromedriver and chromium binaries of browser journeys
 * @param checks  what to probe; empty means the prober has nothing to do
 */
public record ProberConfig(Gateway gateway, Http http, Browser browser, List<CheckConfig> checks) {

    public static final String DEFAULTS_RESOURCE = "/prober.yaml";
    public static final String ENV_PREFIX = "PROBER";

    public ProberConfig {
        // A copy that keeps nulls: validate() names a null entry's key.
        checks = checks == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(checks));
    }

    /**
     * The gateway results go to.
     *
     * @param url     its base URL; results go to {@code {url}/api/synthetic}
     * @param key     the ingest key, sent as {@code X-Telemetry-Key}
     * @param timeout how long one post may take
     */
    public record Gateway(String url, String key, Duration timeout) {

        /** {@code {url}/api/synthetic}, whether or not the URL ends with a slash. */
        public URI syntheticEndpoint() {
            String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
            return URI.create(base + "/api/synthetic");
        }
    }

    /** Where the operations endpoint listens; port 0 picks a free port. */
    public record Http(String host, int port) {
    }

    /** Paths of the binaries browser journeys use: set explicitly so Selenium never downloads one. */
    public record Browser(String chromedriver, String chromium) {
    }

    /** Loads the configuration for {@code main}: {@code --config <file>} is optional. */
    public static ProberConfig load(String[] args) {
        return load(ConfigLoader.configFile(args), System.getenv());
    }

    /** Loads shipped defaults, then {@code userFile} (may be null), then {@code env}. */
    public static ProberConfig load(Path userFile, Map<String, String> env) {
        return new ConfigLoader(DEFAULTS_RESOURCE, ENV_PREFIX, env).load(userFile, ProberConfig.class, ProberConfig::validate);
    }

    /** Fails with a {@link ConfigException} naming the first bad key. */
    public void validate() {
        Require.present("gateway", gateway);
        Urls.requireHttp("gateway.url", gateway.url());
        Require.notBlank("gateway.key", gateway.key());
        Require.positive("gateway.timeout", gateway.timeout());
        Require.present("http", http);
        Require.notBlank("http.host", http.host());
        Require.port("http.port", http.port());
        Require.present("browser", browser);
        Require.notBlank("browser.chromedriver", browser.chromedriver());
        Require.notBlank("browser.chromium", browser.chromium());
        Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < checks.size(); i++) {
            String key = "checks[" + i + "]";
            CheckConfig check = checks.get(i);
            if (check == null) {
                throw new ConfigException(key, "must be a check, not empty");
            }
            check.validate(key);
            Integer previous = names.putIfAbsent(check.name(), i);
            if (previous != null) {
                throw new ConfigException(key + ".name", "duplicate check name '" + check.name()
                        + "' (already used by checks[" + previous + "])");
            }
        }
    }
}
