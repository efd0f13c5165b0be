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
    void shouldServeClientsOnAnExtraListenerAndAdvertiseItsAddressToThem() throws Exception {
        int listenerPort = freePort();
        LocalKafkaBroker.ExtraListener proc = LocalKafkaBroker.ExtraListener.parse("PROC:" + listenerPort);
        try (LocalKafkaBroker broker = LocalKafkaBroker.builder().dataDir(dataDir).extraListener(proc).build().start();
             Admin viaListener = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                     LocalKafkaBroker.HOST + ":" + listenerPort))) {
            broker.createTopic("both-listeners", 1, Map.of());

            // Clients of a listener are told that listener's advertised address, not PLAINTEXT's.
            assertThat(viaListener.describeCluster().nodes().get(60, TimeUnit.SECONDS))
                    .singleElement().satisfies(node -> assertThat(node.port()).isEqualTo(listenerPort));
            assertThat(viaListener.listTopics().names().get(60, TimeUnit.SECONDS)).contains("both-listeners");
            assertThat(topicNames(broker)).as("PLAINTEXT still serves").contains("both-listeners");
        }
    }

    @Test
    void shouldParseAnExtraListenerWithItsAdvertisedPortAndRefuseBadOnes() {
        assertThat(LocalKafkaBroker.ExtraListener.parse("PROC:19094:29094"))
                .isEqualTo(new LocalKafkaBroker.ExtraListener("PROC", 19094, 29094));
        assertThat(LocalKafkaBroker.ExtraListener.parse("PROC:19094"))
                .isEqualTo(new LocalKafkaBroker.ExtraListener("PROC", 19094, 0));
        assertThatThrownBy(() -> LocalKafkaBroker.ExtraListener.parse("PROC")).hasMessageContaining("NAME:PORT");
        assertThatThrownBy(() -> LocalKafkaBroker.ExtraListener.parse("proc:1")).hasMessageContaining("upper case");
        assertThatThrownBy(() -> LocalKafkaBroker.ExtraListener.parse("PLAINTEXT:1")).hasMessageContaining("taken");
        assertThatThrownBy(() -> LocalKafkaBroker.ExtraListener.parse("PROC:x")).hasMessageContaining("numbers");
    }

    @Test
    void shouldDoNothingWhenClosedTwice() {
        LocalKafkaBroker broker = LocalKafkaBroker.builder().dataDir(dataDir).build();

        broker.close();
        broker.close();

        assertThatThrownBy(broker::start).hasMessageContaining("closed");
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LocalKafkaBroker.HOST))) {
            return socket.getLocalPort();
        }
    }

    private static Set<String> topicNames(LocalKafkaBroker broker) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            return admin.listTopics().names().get(60, TimeUnit.SECONDS);
        }
    }
}
