package dev.telemetry.events.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicCatalogueTest {

    @Test
    void shouldUseDefaultNamesWhenNothingIsOverridden() {
        assertThat(TopicCatalogue.defaults().name(Topic.SUMMARIES)).isEqualTo("telemetry.summaries");
        assertThat(TopicCatalogue.defaults().all()).hasSize(Topic.values().length);
    }

    @Test
    void shouldRenameATopicWhenConfigured() {
        TopicCatalogue catalogue = TopicCatalogue.withOverrides(Map.of("alerts-dlq", "prod.alerts.dlq"));
        assertThat(catalogue.name(Topic.ALERTS_DLQ)).isEqualTo("prod.alerts.dlq");
        assertThat(catalogue.name(Topic.ALERTS)).isEqualTo("telemetry.alerts");
    }

    @Test
    void shouldNameTheKeyWhenAnOverrideIsUnknownOrInvalid() {
        assertThatThrownBy(() -> TopicCatalogue.withOverrides(Map.of("summary", "x")))
                .hasMessageStartingWith("topics.summary: unknown topic");
        assertThatThrownBy(() -> TopicCatalogue.withOverrides(Map.of("summaries", "bad name!")))
                .hasMessageStartingWith("topics.summaries:");
    }
}
