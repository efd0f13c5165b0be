package dev.telemetry.kafka.local;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalKafkaBrokerTest {

    @TempDir
    Path dataDir;

    @Test
    void shouldKeepTopicWhenRestartedOnSameDataDir() throws Exception {
        try (LocalKafkaBroker broker = LocalKafkaBroker.builder().dataDir(dataDir).build().start()) {
            broker.createTopic("kept", 2, Map.of("cleanup.policy", "compact"));
        }

        try (LocalKafkaBroker restarted = LocalKafkaBroker.builder().dataDir(dataDir).build().start()) {
            assertThat(topicNames(restarted)).contains("kept");
        }
    }

    @Test
    void shouldNameThePortWhenBrokerPortIsInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(LocalKafkaBroker.HOST))) {
            LocalKafkaBroker broker = LocalKafkaBroker.builder().dataDir(dataDir).brokerPort(taken.getLocalPort()).build();

            assertThatThrownBy(broker::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("port " + taken.getLocalPort())
                    .hasMessageContaining("in use");
        }
    }

    @Test
    void shouldRefuseAndLeaveRunningBrokerIntactWhenDataDirIsInUse() throws Exception {
        try (LocalKafkaBroker running = LocalKafkaBroker.builder().dataDir(dataDir).build().start()) {
            LocalKafkaBroker second = LocalKafkaBroker.builder().dataDir(dataDir).build();

            assertThatThrownBy(second::start).hasMessageContaining("is in use by another running broker");

            running.createTopic("still-served", 1, Map.of());
            assertThat(topicNames(running)).contains("still-served");
        }
    }

    @Test
    void shouldDoNothingWhenClosedTwice() {
        LocalKafkaBroker broker = LocalKafkaBroker.builder().dataDir(dataDir).build();

        broker.close();
        broker.close();

        assertThatThrownBy(broker::start).hasMessageContaining("closed");
    }

    private static Set<String> topicNames(LocalKafkaBroker broker) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            return admin.listTopics().names().get(60, TimeUnit.SECONDS);
        }
    }
}
