package dev.telemetry.gateway.http;

import dev.telemetry.gateway.config.GatewayConfig;
import dev.telemetry.gateway.ingest.ApiException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * Maps an ingest key to its application. The key decides {@code app}, so a client can never
 * write into another application's series. Keys are compared in constant time.
 */
public final class KeyAuthenticator {

    public static final String HEADER = "X-Telemetry-Key";
    public static final String QUERY_PARAM = "key";

    private final List<GatewayConfig.IngestKey> keys;

    public KeyAuthenticator(List<GatewayConfig.IngestKey> keys) {
        this.keys = List.copyOf(keys);
    }

    /** The key (and so its app) from the header or, for beacons, the query string. */
    public GatewayConfig.IngestKey authenticate(String headerKey, String queryKey) {
        String presented = headerKey != null && !headerKey.isBlank() ? headerKey : queryKey;
        if (presented == null || presented.isBlank()) {
            throw ApiException.unauthorized("missing ingest key: send it as the " + HEADER + " header or the ?"
                    + QUERY_PARAM + "= query parameter");
        }
        return appOf(presented).orElseThrow(() -> ApiException.unauthorized("unknown ingest key"));
    }

    private Optional<GatewayConfig.IngestKey> appOf(String presented) {
        byte[] candidate = presented.getBytes(StandardCharsets.UTF_8);
        GatewayConfig.IngestKey found = null;
        for (GatewayConfig.IngestKey key : keys) {
            if (MessageDigest.isEqual(candidate, key.key().getBytes(StandardCharsets.UTF_8))) {
                found = key;
            }
        }
        return Optional.ofNullable(found);
    }
}
