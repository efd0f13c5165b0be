package dev.telemetry.processor.security;

import com.fasterxml.jackson.annotation.JsonValue;

/** The kinds of injection the detector recognises. */
public enum AttackClass {
    SQLI("sqli", "SQL Injection Attempt"),
    XSS("xss", "XSS Attempt");

    private final String wireName;
    private final String findingName;

    AttackClass(String wireName, String findingName) {
        this.wireName = wireName;
        this.findingName = findingName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** The seed's name for the security event ({@code reportSecurityEvent}). */
    public String findingName() {
        return findingName;
    }
}
