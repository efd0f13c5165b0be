package dev.telemetry.gateway.http;

/**
 * The form factor (CrUX's {@code phone}, {@code tablet}, {@code desktop}) a request's headers suggest, for vitals
 * whose client named none: the {@code Sec-CH-UA-Mobile} client hint when the browser sent it (Chromium sends it on
 * every secure request), else the {@code User-Agent}'s conventional tokens. A guess, as CrUX's own is: iPadOS
 * Safari claims to be a Mac and is counted as a desktop.
 */
public final class FormFactors {

    public static final String MOBILE_HINT = "Sec-CH-UA-Mobile";

    private FormFactors() {
    }

    /**
     * @param mobileHint the {@code Sec-CH-UA-Mobile} header ({@code ?1} or {@code ?0}, a structured-field boolean),
     *                   or null; any other value is ignored
     * @param userAgent  the {@code User-Agent} header, or null
     * @return {@code phone}, {@code tablet} or {@code desktop}; null when there is neither a usable hint nor a user agent
     */
    public static String derive(String mobileHint, String userAgent) {
        String hint = mobileHint == null ? "" : mobileHint.trim();
        boolean hasAgent = userAgent != null && !userAgent.isBlank();
        if (hint.equals("?1")) {
            return "phone";
        }
        if (hint.equals("?0")) {
            // "Not mobile" is a desktop or a tablet: Chrome on an Android tablet sends ?0 and a user agent without
            // "Mobile", which tells the two apart.
            return hasAgent && fromUserAgent(userAgent).equals("tablet") ? "tablet" : "desktop";
        }
        return hasAgent ? fromUserAgent(userAgent) : null;
    }

    /**
     * Android puts "Mobile" in phones' user agents and leaves it out on tablets (Google's guidance to sites and what
     * Chrome and Firefox do); iPads and Firefox's Android tablets say so; "Mobi" is the token Mozilla recommends
     * looking for to find a phone.
     */
    static String fromUserAgent(String ua) {
        if (ua.contains("iPad")) {
            return "tablet";
        }
        if (ua.contains("Android")) {
            return ua.contains("Mobile") ? "phone" : "tablet";
        }
        if (ua.contains("Tablet")) {
            return "tablet";
        }
        if (ua.contains("Mobi") || ua.contains("iPhone")) {
            return "phone";
        }
        return "desktop";
    }
}
