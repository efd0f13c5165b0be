package dev.telemetry.processor.rules;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The stable identity of one alert: the same rule on the same series of the same app always gets the same fingerprint. */
public final class AlertFingerprint {

    private AlertFingerprint() {
    }

    /** The first 16 hex digits of SHA-256 over rule, app and series; stable across restarts, versions and machines. */
    public static String of(String rule, String app, String series) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            // NUL separators: no rule, app or series text can make two different triples hash alike.
            byte[] digest = sha256.digest((rule + '\0' + app + '\0' + series).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
