package dev.telemetry.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class UuidSetTest {

    @Test
    void shouldCountDistinctIdsAndWhichOfThemWereFoundAcrossGrowth() {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 200_000; i++) {
            ids.add(UUID.randomUUID());
        }
        UuidSet set = new UuidSet();
        set.addAll(ids);
        set.addAll(ids.subList(0, 1000)); // duplicates are one id

        assertThat(set.size()).isEqualTo(200_000);
        for (UUID id : ids.subList(0, 150_000)) {
            assertThat(set.markFound(id)).isTrue();
        }
        assertThat(set.markFound(ids.get(0))).as("found twice counts once").isFalse();
        assertThat(set.markFound(UUID.randomUUID())).as("not in the set").isFalse();
        assertThat(set.notFound()).isEqualTo(50_000);
    }
}
