package dev.telemetry.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loopback TCP proxy that can cut the network between its clients and its target like a partition that drops
 * packets: while {@link #partition() partitioned} no byte moves in either direction, on open connections and on new
 * ones, and nothing is closed — a client learns of it only by its own timeouts, as it would from a dead switch.
 * {@link #heal()} lets everything through again; what was held is delivered then, as TCP retransmits would.
 *
 * <p>New connections are still accepted while partitioned (the kernel completes the handshake of a listening socket
 * anyway); they carry nothing until healed. Two threads per connection: the proxy carries one service's few Kafka
 * connections, not load.
 */
public final class BlackholeProxy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BlackholeProxy.class);

    private final ServerSocket server;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicLong forwardedBytes = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private final Object gate = new Object();
    private boolean partitioned;
    private volatile boolean closed;

    private BlackholeProxy(ServerSocket server, int targetPort) {
        this.server = server;
        this.targetPort = targetPort;
    }

    /** Listens on {@code listenPort} (0: any free port) of 127.0.0.1 and forwards to {@code targetPort} there. */
    public static BlackholeProxy start(int listenPort, int targetPort) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort));
        BlackholeProxy proxy = new BlackholeProxy(server, targetPort);
        Thread acceptor = new Thread(proxy::acceptLoop, "proxy-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
        return proxy;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Stops every byte, both ways, until {@link #heal()}. */
    public void partition() {
        synchronized (gate) {
            partitioned = true;
        }
        LOG.info("proxy :{} -> :{} partitioned", port(), targetPort);
    }

    public void heal() {
        synchronized (gate) {
            partitioned = false;
            gate.notifyAll();
        }
        LOG.info("proxy :{} -> :{} healed", port(), targetPort);
    }

    /** Bytes forwarded so far, both directions: unchanged across a partition is the proof that it held. */
    public long forwardedBytes() {
        return forwardedBytes.get();
    }

    /** Connections accepted so far. */
    public long connections() {
        return connections.get();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                connections.incrementAndGet();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream, "up");
                pump(upstream, client, "down");
            } catch (IOException e) {
                if (!closed) {
                    LOG.debug("proxy :{} accept or connect failed: {}", port(), e.getMessage());
                }
            }
        }
    }

    private void pump(Socket from, Socket to, String direction) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    // Read first, then wait: what was in flight when the partition began is held, not dropped.
                    awaitOpen();
                    out.write(buffer, 0, n);
                    out.flush();
                    forwardedBytes.addAndGet(n);
                }
                // A close is a packet too: it passes only when the network does.
                awaitOpen();
            } catch (IOException | InterruptedException e) {
                // the other side closed, or the proxy did
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }, "proxy-" + direction + "-" + from.getPort());
        thread.setDaemon(true);
        thread.start();
    }

    private void awaitOpen() throws InterruptedException {
        synchronized (gate) {
            while (partitioned && !closed) {
                gate.wait();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (gate) {
            gate.notifyAll();
        }
        closeQuietly(server);
        sockets.forEach(BlackholeProxy::closeQuietly);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // closing anyway
        }
    }
}
