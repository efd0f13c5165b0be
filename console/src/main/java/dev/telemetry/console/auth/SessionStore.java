package dev.telemetry.console.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The console's login sessions, in memory: bounded ({@code maxSessions}; when full, expired sessions go first, then
 * the oldest) and expiring ({@code ttl} after login, however active: a stolen cookie is good for that long at
 * most). Sessions are keyed by the SHA-256 of their id, so the map never holds or compares a raw id. A restart (or
 * another replica) forgets them: the user logs in again, which is the price of keeping no state.
 */
public final class SessionStore {

    /** One login: whether it may write, and its synchronizer CSRF token (sent back in {@code X-CSRF-Token}). */
    public record Session(String csrfToken, boolean canWrite, Instant createdAt, Instant expiresAt) {

        boolean expired(Instant now) {
            return !now.isBefore(expiresAt);
        }
    }

    /** A new session and its id: the id goes into the cookie, and is not kept here. */
    public record Created(String id, Session session) {
    }

    private final Map<String, Session> byHash = new LinkedHashMap<>();
    private final Duration ttl;
    private final int maxSessions;
    private final Clock clock;

    public SessionStore(Duration ttl, int maxSessions, Clock clock) {
        if (ttl.isNegative() || ttl.isZero() || maxSessions < 1) {
            throw new IllegalArgumentException("ttl and maxSessions must be positive");
        }
        this.ttl = ttl;
        this.maxSessions = maxSessions;
        this.clock = clock;
    }

    public Duration ttl() {
        return ttl;
    }

    public synchronized Created create(boolean canWrite) {
        Instant now = clock.instant();
        prune(now);
        Iterator<String> oldest = byHash.keySet().iterator();
        while (byHash.size() >= maxSessions && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
        String id = Secrets.random(32);
        Session session = new Session(Secrets.random(32), canWrite, now, now.plus(ttl));
        byHash.put(Secrets.hash(id), session);
        return new Created(id, session);
    }

    /** The live session with this id; empty for null, unknown or expired ids (an expired one is dropped). */
    public synchronized Optional<Session> find(String id) {
        if (id == null || id.isEmpty() || id.length() > 100) {
            return Optional.empty();
        }
        String key = Secrets.hash(id);
        Session session = byHash.get(key);
        if (session == null) {
            return Optional.empty();
        }
        if (session.expired(clock.instant())) {
            byHash.remove(key);
            return Optional.empty();
        }
        return Optional.of(session);
    }

    public synchronized void remove(String id) {
        if (id != null && !id.isEmpty()) {
            byHash.remove(Secrets.hash(id));
        }
    }

    public synchronized int size() {
        return byHash.size();
    }

    private void prune(Instant now) {
        byHash.values().removeIf(s -> s.expired(now));
    }
}
