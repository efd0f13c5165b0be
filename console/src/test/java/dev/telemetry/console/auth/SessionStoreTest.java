package dev.telemetry.console.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Sessions expire after their lifetime and never exceed the bound. */
class SessionStoreTest {

    /** A clock the test moves. */
    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2024-05-01T10:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void shouldExpireASessionAfterItsLifetime() {
        MutableClock clock = new MutableClock();
        SessionStore store = new SessionStore(Duration.ofMinutes(30), 10, clock);
        SessionStore.Created created = store.create(true);
        assertThat(store.find(created.id())).hasValueSatisfying(s -> assertThat(s.canWrite()).isTrue());
        clock.now = clock.now.plus(Duration.ofMinutes(29));
        assertThat(store.find(created.id())).isPresent();
        clock.now = clock.now.plus(Duration.ofMinutes(1));
        assertThat(store.find(created.id())).isEmpty();
        assertThat(store.size()).isZero();
    }

    @Test
    void shouldKeepAtMostMaxSessionsDroppingExpiredThenOldest() {
        MutableClock clock = new MutableClock();
        SessionStore store = new SessionStore(Duration.ofMinutes(30), 3, clock);
        SessionStore.Created expiring = store.create(false);
        clock.now = clock.now.plus(Duration.ofMinutes(20));
        List<SessionStore.Created> sessions = new ArrayList<>();
        sessions.add(store.create(false));
        sessions.add(store.create(false));
        clock.now = clock.now.plus(Duration.ofMinutes(11));
        sessions.add(store.create(false)); // the first has expired by now: it goes, nobody live is evicted
        assertThat(store.size()).isEqualTo(3);
        assertThat(store.find(expiring.id())).isEmpty();
        sessions.forEach(s -> assertThat(store.find(s.id())).isPresent());

        SessionStore.Created newest = store.create(true); // full of live sessions: the oldest goes
        assertThat(store.size()).isEqualTo(3);
        assertThat(store.find(sessions.get(0).id())).isEmpty();
        assertThat(store.find(newest.id())).isPresent();
    }

    @Test
    void shouldHandOutDistinctRandomIdsAndCsrfTokensAndIgnoreJunkIds() {
        SessionStore store = new SessionStore(Duration.ofHours(1), 1000, new MutableClock());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            SessionStore.Created c = store.create(false);
            assertThat(seen.add(c.id())).isTrue();
            assertThat(seen.add(c.session().csrfToken())).isTrue();
        }
        assertThat(store.find(null)).isEmpty();
        assertThat(store.find("")).isEmpty();
        assertThat(store.find("x".repeat(500))).isEmpty();
        store.remove(null);
        assertThat(store.size()).isEqualTo(200);
    }
}
