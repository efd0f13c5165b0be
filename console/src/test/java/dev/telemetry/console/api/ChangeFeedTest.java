package dev.telemetry.console.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The live-update feed on its own: a burst of changes is one event a period naming each view once; the stream cap
 * answers 503 JSON before any stream starts and frees the slot when a reader goes; keep-alive comments flow on an
 * idle stream; event ids let a reconnecting browser catch up on what it missed (Last-Event-ID).
 */
class ChangeFeedTest {

    private static final long NEVER = TimeUnit.HOURS.toMillis(1);

    @Test
    void shouldNameEachChangedViewOnceWhenManyRecordsChangedThemWithinOnePeriod() {
        try (ChangeFeed feed = new ChangeFeed(NEVER, NEVER, 10)) {
            FakeStream stream = new FakeStream();
            assertThat(feed.open(stream, null)).isTrue();
            String views = String.join(",", ChangeFeed.VIEWS.stream().map(v -> "\"" + v + "\"").toList());
            assertThat(stream.events()).containsExactly(new Event("hello", "{\"views\":[" + views + "],\"resumed\":false}", null));

            for (int i = 0; i < 500; i++) {
                feed.changed("series");
            }
            feed.changed("alerts");
            feed.broadcast();
            feed.broadcast();

            List<Event> changes = stream.changes();
            assertThat(changes).hasSize(1);
            assertThat(changes.get(0).data()).isEqualTo("{\"views\":[\"alerts\",\"series\"]}");
            assertThat(changes.get(0).id()).matches("[0-9a-z]+-1");
        }
    }

    @Test
    void shouldSendAtMostOneChangeASecondWhenChangesKeepComing() {
        try (ChangeFeed feed = new ChangeFeed(1000, NEVER, 10)) {
            FakeStream stream = new FakeStream();
            feed.open(stream, null);
            long start = System.nanoTime();
            // Changes for about 3.5 s, every 10 ms (the pause is the records' pace, not a wait for the feed).
            while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(3500)) {
                feed.changed("alerts");
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
            // The last changes go out within a period; then the stream stays quiet (no change, no event).
            AtomicInteger last = new AtomicInteger(-1);
            await().atMost(Duration.ofSeconds(20)).during(Duration.ofMillis(1500))
                    .until(() -> last.getAndSet(stream.changes().size()) == stream.changes().size());
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            List<Event> changes = stream.changes();
            assertThat(changes).hasSizeGreaterThanOrEqualTo(2).allSatisfy(e -> assertThat(e.data()).isEqualTo("{\"views\":[\"alerts\"]}"));
            assertThat(changes.size()).isLessThanOrEqualTo((int) (elapsedMs / 1000) + 1);
            List<Long> at = stream.changeTimes();
            for (int i = 1; i < at.size(); i++) {
                // Fixed delay: never closer than the period (less a little for the clock).
                assertThat(at.get(i) - at.get(i - 1)).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(950));
            }
        }
    }

    @Test
    void shouldSendKeepAliveCommentsWhenNothingChanges() {
        try (ChangeFeed feed = new ChangeFeed(NEVER, 50, 10)) {
            FakeStream stream = new FakeStream();
            feed.open(stream, null);

            await().atMost(Duration.ofSeconds(30)).until(() -> stream.comments() >= 3);
            assertThat(stream.changes()).isEmpty();
        }
    }

    @Test
    void shouldRefuseStreamsBeyondTheCapAndFreeTheSlotWhenOneEnds() {
        try (ChangeFeed feed = new ChangeFeed(NEVER, 50, 2)) {
            FakeStream first = new FakeStream();
            FakeStream second = new FakeStream();
            assertThat(feed.open(first, null)).isTrue();
            assertThat(feed.open(second, null)).isTrue();
            FakeStream third = new FakeStream();

            assertThat(feed.open(third, null)).isFalse();
            assertThat(third.events()).isEmpty();

            // The first reader goes away: the next keep-alive finds it and gives its slot back.
            first.terminate();
            await().atMost(Duration.ofSeconds(30)).until(() -> feed.clients() == 1);
            assertThat(feed.open(third, null)).isTrue();
            assertThat(feed.clients()).isEqualTo(2);
        }
    }

    @Test
    void shouldCatchUpOnMissedViewsWhenTheBrowserReconnectsWithLastEventId() {
        try (ChangeFeed feed = new ChangeFeed(NEVER, NEVER, 10)) {
            FakeStream before = new FakeStream();
            feed.open(before, null);
            feed.changed("alerts");
            feed.broadcast();
            String lastSeen = before.changes().get(0).id();
            before.terminate();
            // While it was away: security changed, then series.
            feed.changed("security");
            feed.broadcast();
            feed.changed("series");
            feed.broadcast();

            FakeStream resumed = new FakeStream();
            feed.open(resumed, lastSeen);
            assertThat(resumed.events().get(0).data()).endsWith("\"resumed\":true}");
            assertThat(resumed.changes()).hasSize(1);
            assertThat(resumed.changes().get(0).data()).isEqualTo("{\"views\":[\"security\",\"series\"]}");
            assertThat(resumed.changes().get(0).id()).isEqualTo(lastSeen.replaceFirst("-1$", "-3"));

            // Up to date: resumed, nothing to catch up on.
            FakeStream current = new FakeStream();
            feed.open(current, resumed.changes().get(0).id());
            assertThat(current.events().get(0).data()).endsWith("\"resumed\":true}");
            assertThat(current.changes()).isEmpty();

            // Another feed's id (a restart, another replica), or garbage: start afresh.
            for (String foreign : List.of("abc-1", lastSeen + "x", lastSeen.replaceFirst("-1$", "-99"))) {
                FakeStream other = new FakeStream();
                feed.open(other, foreign);
                assertThat(other.events().get(0).data()).as(foreign).endsWith("\"resumed\":false}");
                assertThat(other.changes()).as(foreign).isEmpty();
            }
        }
    }

    @Test
    void shouldAnswer503JsonBeyondTheCapAnd406WithoutEventStreamOverHttp() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        ChangeFeed feed = new ChangeFeed(100, 100, 1);
        Javalin app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.host = "127.0.0.1";
            cfg.jetty.port = 0;
            cfg.routes.get("/api/stream", feed::handle);
        }).start();
        try {
            String url = "http://127.0.0.1:" + app.port() + "/api/stream";
            HttpResponse<Stream<String>> open = http.send(sse(url, null), HttpResponse.BodyHandlers.ofLines());
            assertThat(open.statusCode()).isEqualTo(200);
            Iterator<String> lines = open.body().iterator();
            assertThat(lines.next()).isEqualTo("event: hello");
            feed.changed("alerts");
            String id = CompletableFuture.supplyAsync(() -> {
                while (lines.hasNext()) {
                    String line = lines.next();
                    if (line.startsWith("id: ")) {
                        return line.substring(4);
                    }
                }
                return null;
            }).get(30, TimeUnit.SECONDS);
            assertThat(id).isNotNull();
            assertThat(lines.next()).isEqualTo("event: change");
            assertThat(lines.next()).isEqualTo("data: {\"views\":[\"alerts\"]}");
            CompletableFuture<Boolean> keepAlive = CompletableFuture.supplyAsync(() -> {
                while (lines.hasNext()) {
                    if (lines.next().equals(": keep-alive")) {
                        return true;
                    }
                }
                return false;
            });
            assertThat(keepAlive.get(30, TimeUnit.SECONDS)).isTrue();

            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream")
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
            assertThat(refused.body()).contains("\"error\":\"too_many_streams\"").contains("at most 1 live streams");

            HttpResponse<String> plain = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(plain.statusCode()).isEqualTo(406);
            assertThat(plain.body()).contains("\"parameter\":\"Accept\"");

            // The reader goes; its slot comes back once a write finds the connection closed. A reconnect with the
            // last id is told it resumed.
            open.body().close();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> feed.clients() == 0);
            HttpResponse<Stream<String>> again = http.send(sse(url, id), HttpResponse.BodyHandlers.ofLines());
            assertThat(again.statusCode()).isEqualTo(200);
            Iterator<String> againLines = again.body().iterator();
            assertThat(againLines.next()).isEqualTo("event: hello");
            assertThat(againLines.next()).endsWith("\"resumed\":true}");
            again.body().close();
        } finally {
            // The feed first, as ConsoleServer.close does: closing a stream after Jetty stopped would complete a
            // request Jetty has already recycled.
            feed.close();
            app.stop();
        }
    }

    private static HttpRequest sse(String url, String lastEventId) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream").GET();
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        return b.build();
    }

    record Event(String name, String data, String id) {
    }

    /** Records what the feed sends; {@link #terminate()} plays a reader that went away. */
    static final class FakeStream implements ChangeFeed.Stream {
        private final List<Event> events = new ArrayList<>();
        private final List<Long> changeTimes = new ArrayList<>();
        private int comments;
        private volatile boolean terminated;

        @Override
        public synchronized void event(String name, String data, String id) {
            events.add(new Event(name, data, id));
            if (name.equals("change")) {
                changeTimes.add(System.nanoTime());
            }
        }

        @Override
        public synchronized void comment(String text) {
            comments++;
        }

        @Override
        public boolean terminated() {
            return terminated;
        }

        @Override
        public void close() {
            terminated = true;
        }

        void terminate() {
            terminated = true;
        }

        synchronized List<Event> events() {
            return List.copyOf(events);
        }

        synchronized List<Event> changes() {
            return events.stream().filter(e -> e.name().equals("change")).toList();
        }

        synchronized List<Long> changeTimes() {
            return List.copyOf(changeTimes);
        }

        synchronized int comments() {
            return comments;
        }
    }
}
