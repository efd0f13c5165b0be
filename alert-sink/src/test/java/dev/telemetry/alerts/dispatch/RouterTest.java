package dev.telemetry.alerts.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.alerts.notify.Notifier;
import dev.telemetry.alerts.notify.log.LogNotifier;
import dev.telemetry.alerts.testing.Alerts;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouterTest {

    private final Map<String, Notifier> notifiers = new LinkedHashMap<>();
    private final Router router;

    RouterTest() {
        for (String name : List.of("console", "team", "pager")) {
            notifiers.put(name, new LogNotifier(name, line -> { }));
        }
        router = new Router(Map.of("#alerts", List.of("team", "console"), "#critical", List.of("pager", "team")),
                List.of("console"), notifiers);
    }

    private List<String> names(List<String> channels) {
        return router.route(Alerts.firing("fp", channels)).stream().map(Notifier::name).toList();
    }

    @Test
    void shouldNotifyEachReceiverOnceWhenTwoChannelsShareIt() {
        assertThat(names(List.of("#alerts", "#critical"))).containsExactly("team", "console", "pager");
    }

    @Test
    void shouldUseTheDefaultReceiversWhenAChannelHasNoRoute() {
        assertThat(names(List.of("#unknown"))).containsExactly("console");
        assertThat(names(List.of("#unknown", "#critical"))).containsExactly("console", "pager", "team");
    }

    @Test
    void shouldUseTheDefaultReceiversWhenTheAlertHasNoChannels() {
        assertThat(names(List.of())).containsExactly("console");
    }
}
