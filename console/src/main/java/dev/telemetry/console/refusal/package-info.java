/**
 * What the console answers when it refuses or cannot serve a request ({@link dev.telemetry.console.refusal.ApiError}):
 * a leaf package that the API, auth and silences code all throw from, so none of them depends on another for it.
 */
package dev.telemetry.console.refusal;
