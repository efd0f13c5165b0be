package dev.telemetry.alerts.notify;

import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Keeps receiver secrets out of logs and error messages. Webhook URLs carry tokens in their path
 * (Slack) or query, so only scheme and host are ever shown.
 */
public final class Redact {

    private static final String HIDDEN = "<redacted>";
    /** Path segments this long may be tokens; shorter ones ({@code hook}, {@code v2}) are kept readable. */
    private static final int MIN_SECRET_SEGMENT = 8;

    private Redact() {
    }

    /** {@code https://hooks.example.com} for any URL on that host; never path, query or user info. */
    public static String origin(String url) {
        if (url == null) {
            return "<no url>";
        }
        try {
            URI uri = new URI(url.strip());
            if (uri.getScheme() == null || uri.getHost() == null) {
                return "<invalid url>";
            }
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
        } catch (java.net.URISyntaxException e) {
            return "<invalid url>";
        }
    }

    /** {@code text} with every secret-bearing part of {@code url} (whole, path, query, user info) hidden. */
    public static String scrub(String text, URI url) {
        if (text == null || url == null) {
            return text;
        }
        List<String> secrets = new ArrayList<>();
        secrets.add(url.toString());
        secrets.add(url.getRawPath());
        secrets.add(url.getPath());
        secrets.add(url.getRawQuery());
        secrets.add(url.getQuery());
        secrets.add(url.getRawUserInfo());
        // A receiver may echo only part of the path (Slack quotes the token segment), so long segments go too.
        if (url.getPath() != null) {
            for (String segment : url.getPath().split("/")) {
                if (segment.length() >= MIN_SECRET_SEGMENT) {
                    secrets.add(segment);
                }
            }
        }
        secrets.sort(Comparator.nullsLast(Comparator.comparingInt(String::length).reversed()));
        String result = text;
        for (String secret : secrets) {
            // A bare "/" path is no secret, and replacing it would mangle the message.
            if (secret != null && secret.length() > 1) {
                result = result.replace(secret, HIDDEN);
            }
        }
        return result;
    }
}
