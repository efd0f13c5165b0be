package dev.telemetry.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.telemetry.events.validation.FieldReader;
import java.util.List;

/**
 * Why a vital had its value, as the {@code web-vitals} library's attribution build (v4, v5) reports it: the parts
 * of the documented attribution that are plain strings and numbers, per vital. DOM nodes and performance entries
 * ({@code lcpEntry}, {@code navigationEntry}, {@code processedEventEntries}, {@code longAnimationFrameEntries},
 * {@code largestShiftEntry}, ...) and every undocumented key are dropped: they are unbounded and mean nothing
 * outside the page. Fields that do not belong to the vital are null; durations are milliseconds.
 *
 * <p>Written without its null fields: a vital carries the handful of its own, not twenty nulls.
 *
 * @param target               LCP: CSS selector of the LCP element
 * @param url                  LCP: the LCP resource's URL (images)
 * @param timeToFirstByte      LCP and FCP: time to the navigation's first byte
 * @param resourceLoadDelay    LCP: first byte to the start of the LCP resource's load
 * @param resourceLoadDuration LCP: the LCP resource's load
 * @param elementRenderDelay   LCP: resource loaded to the element rendered
 * @param interactionTarget    INP: CSS selector of the element the slowest interaction targeted
 * @param interactionType      INP: {@code pointer} or {@code keyboard}
 * @param inputDelay           INP: interaction to the start of its event handlers
 * @param processingDuration   INP: the event handlers
 * @param presentationDelay    INP: handlers done to the next paint
 * @param largestShiftTarget   CLS: CSS selector of the element that moved most in the largest shift
 * @param largestShiftValue    CLS: the largest shift's score
 * @param firstByteToFCP       FCP: first byte to first contentful paint
 * @param waitingDuration      TTFB: navigation start to the request being made (redirects, service worker start)
 * @param cacheDuration        TTFB: HTTP cache lookup
 * @param dnsDuration          TTFB: DNS lookup
 * @param connectionDuration   TTFB: TCP and TLS connection
 * @param requestDuration      TTFB: request sent to first byte
 * @param loadState            INP, CLS, FCP: the document's state when it happened
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VitalAttribution(String target, String url, Double timeToFirstByte, Double resourceLoadDelay,
                               Double resourceLoadDuration, Double elementRenderDelay,
                               String interactionTarget, String interactionType, Double inputDelay,
                               Double processingDuration, Double presentationDelay,
                               String largestShiftTarget, Double largestShiftValue,
                               Double firstByteToFCP,
                               Double waitingDuration, Double cacheDuration, Double dnsDuration,
                               Double connectionDuration, Double requestDuration,
                               String loadState) {

    /**
     * Longest CSS selector kept. web-vitals builds selectors of at most about 100 characters
     * ({@code getSelector}'s default); the margin is for other clients, the cap for the topic and the processor's
     * heavy-hitter state, where the selector becomes a key.
     */
    public static final int TARGET_LENGTH = 256;
    public static final List<String> INTERACTION_TYPES = List.of("pointer", "keyboard");
    public static final List<String> LOAD_STATES = List.of("loading", "dom-interactive", "dom-content-loaded", "complete");
    private static final VitalAttribution EMPTY = new VitalAttribution(null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null, null, null, null, null, null);

    /**
     * The attribution of the vital {@code name} in the object {@code a} reads (an item's {@code attribution}), or
     * null when it keeps nothing: for vitals without a documented attribution (FID, TTI, {@code feature-*}
     * timings, which web-vitals v4 and v5 do not attribute or no longer report), or an attribution of none of the
     * vital's documented fields. Selectors and the URL are cut, not rejected: a long selector is still useful in part,
     * and the vital itself is worth more than its attribution. Wrong types, negative numbers and unknown
     * {@code interactionType} / {@code loadState} values are violations naming {@code attribution.<field>}.
     */
    static VitalAttribution read(FieldReader a, String name) {
        int urlLength = a.limits().nameLength();
        VitalAttribution read = switch (name == null ? "" : name) {
            case "LCP" -> new VitalAttribution(
                    a.optionalCutString("target", TARGET_LENGTH), a.optionalCutString("url", urlLength),
                    a.optionalNonNegativeNumber("timeToFirstByte"), a.optionalNonNegativeNumber("resourceLoadDelay"),
                    a.optionalNonNegativeNumber("resourceLoadDuration"), a.optionalNonNegativeNumber("elementRenderDelay"),
                    null, null, null, null, null, null, null, null, null, null, null, null, null, null);
            case "INP" -> new VitalAttribution(null, null, null, null, null, null,
                    a.optionalCutString("interactionTarget", TARGET_LENGTH), a.optionalOneOf("interactionType", INTERACTION_TYPES),
                    a.optionalNonNegativeNumber("inputDelay"), a.optionalNonNegativeNumber("processingDuration"),
                    a.optionalNonNegativeNumber("presentationDelay"),
                    null, null, null, null, null, null, null, null,
                    a.optionalOneOf("loadState", LOAD_STATES));
            case "CLS" -> new VitalAttribution(null, null, null, null, null, null, null, null, null, null, null,
                    a.optionalCutString("largestShiftTarget", TARGET_LENGTH), a.optionalNonNegativeNumber("largestShiftValue"),
                    null, null, null, null, null, null,
                    a.optionalOneOf("loadState", LOAD_STATES));
            case "FCP" -> new VitalAttribution(null, null, a.optionalNonNegativeNumber("timeToFirstByte"),
                    null, null, null, null, null, null, null, null, null, null,
                    a.optionalNonNegativeNumber("firstByteToFCP"),
                    null, null, null, null, null,
                    a.optionalOneOf("loadState", LOAD_STATES));
            case "TTFB" -> new VitalAttribution(null, null, null, null, null, null, null, null, null, null, null,
                    null, null, null,
                    a.optionalNonNegativeNumber("waitingDuration"), a.optionalNonNegativeNumber("cacheDuration"),
                    a.optionalNonNegativeNumber("dnsDuration"), a.optionalNonNegativeNumber("connectionDuration"),
                    a.optionalNonNegativeNumber("requestDuration"),
                    null);
            default -> null;
        };
        return read == null || read.isEmpty() ? null : read;
    }

    private boolean isEmpty() {
        return equals(EMPTY);
    }
}
