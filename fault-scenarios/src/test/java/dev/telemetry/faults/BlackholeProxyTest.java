package dev.telemetry.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;

class BlackholeProxyTest {

    @Test
    void shouldHoldEveryByteBothWaysWithoutClosingWhilePartitionedAndDeliverThemWhenHealed() throws Exception {
        try (ServerSocket target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             BlackholeProxy proxy = BlackholeProxy.start(0, target.getLocalPort());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
             Socket server = target.accept()) {
            client.setSoTimeout(500);
            server.setSoTimeout(500);
            assertThat(roundTrip(client, server, 'a')).isEqualTo('a');

            proxy.partition();
            client.getOutputStream().write('b');
            server.getOutputStream().write('c');

            // Neither side gets anything, and neither is closed: a read times out instead of seeing an end of stream.
            assertThatThrownBy(() -> server.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            try (Socket late = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
                late.setSoTimeout(500);
                late.getOutputStream().write('d');
                Socket lateServer = target.accept();
                lateServer.setSoTimeout(500);
                assertThatThrownBy(() -> lateServer.getInputStream().read()).as("a new connection carries nothing either")
                        .isInstanceOf(SocketTimeoutException.class);

                proxy.heal();
                client.setSoTimeout(10_000);
                server.setSoTimeout(10_000);
                lateServer.setSoTimeout(10_000);
                assertThat(server.getInputStream().read()).isEqualTo('b');
                assertThat(client.getInputStream().read()).isEqualTo('c');
                assertThat(lateServer.getInputStream().read()).isEqualTo('d');
                lateServer.close();
            }
            assertThat(proxy.forwardedBytes()).isEqualTo(5);
        }
    }

    private static int roundTrip(Socket client, Socket server, char c) throws Exception {
        OutputStream out = client.getOutputStream();
        out.write(c);
        InputStream in = server.getInputStream();
        int read = in.read();
        server.getOutputStream().write(read);
        return client.getInputStream().read();
    }
}
