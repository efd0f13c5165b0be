package dev.telemetry.gateway.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Slow HTTP clients on real sockets, all driven by one thread (NIO, so a thousand connections cost
 * no thousand threads): each sends its request head, or only part of it, then one byte per
 * {@code dribble} and never finishes. When the server answers or closes, the connection is recorded
 * with how long it lived and, while the swarm is {@link #keepUp kept up}, replaced by a new one from
 * the same source address, as an attacker holding a number of connections open would do.
 */
public final class SlowSwarm implements AutoCloseable {

    /** What the slow client sends slowly. */
    public enum Kind {
        /** The whole head with a Content-Length of 1 000, then the body one byte at a time. */
        BODY,
        /** The request line and part of the head, then one more header byte at a time, never the blank line. */
        HEADERS
    }

    /** How a slow connection ended: the server's status line (e.g. 408) or 0 if it closed without answering. */
    public record Ending(Kind kind, int status, Duration lived) {
    }

    private final int port;
    private final String path;
    private final String key;
    private final Duration dribble;
    private final Selector selector;
    private final List<Ending> endings = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger opened = new AtomicInteger();
    private final AtomicInteger connectFailures = new AtomicInteger();
    private final List<Runnable> pending = Collections.synchronizedList(new ArrayList<>());
    private final Thread loop;
    private final long[] oldest = new long[Kind.values().length];
    private volatile boolean keepUp = true;
    private volatile boolean stopped;

    private final class Slow {
        final Kind kind;
        final InetAddress source;
        final SocketChannel channel;
        long startedNanos;
        long nextDribbleNanos;
        boolean headSent;
        final StringBuilder answer = new StringBuilder();

        Slow(Kind kind, InetAddress source, SocketChannel channel) {
            this.kind = kind;
            this.source = source;
            this.channel = channel;
        }
    }

    public SlowSwarm(int port, String path, String key, Duration dribble) throws IOException {
        this.port = port;
        this.path = path;
        this.key = key;
        this.dribble = dribble;
        this.selector = Selector.open();
        this.loop = new Thread(this::run, "slow-swarm");
        this.loop.setDaemon(true);
        this.loop.start();
    }

    /** Opens {@code count} slow connections from {@code source} (any loopback address 127.x.y.z works on Linux). */
    public void open(Kind kind, InetAddress source, int count) {
        for (int i = 0; i < count; i++) {
            pending.add(() -> connect(kind, source));
        }
        selector.wakeup();
    }

    /** Stop replacing the connections the server ends. */
    public void stopReplacing() {
        keepUp = false;
    }

    public int open() {
        return open.get();
    }

    public int opened() {
        return opened.get();
    }

    public int connectFailures() {
        return connectFailures.get();
    }

    public List<Ending> endings() {
        synchronized (endings) {
            return List.copyOf(endings);
        }
    }

    /** How long the oldest connection of this kind still open had been open at the swarm's last round (every 50 ms or so). */
    public Duration oldestOpen(Kind kind) {
        synchronized (oldest) {
            return Duration.ofNanos(oldest[kind.ordinal()]);
        }
    }

    private void connect(Kind kind, InetAddress source) {
        try {
            SocketChannel channel = SocketChannel.open();
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            channel.bind(new InetSocketAddress(source, 0));
            channel.configureBlocking(false);
            Slow slow = new Slow(kind, source, channel);
            slow.startedNanos = System.nanoTime();
            opened.incrementAndGet();
            open.incrementAndGet();
            if (channel.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
                channel.register(selector, SelectionKey.OP_READ, slow);
                sendHead(slow);
            } else {
                channel.register(selector, SelectionKey.OP_CONNECT, slow);
            }
        } catch (IOException e) {
            connectFailures.incrementAndGet();
        }
    }

    private void sendHead(Slow slow) throws IOException {
        String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nX-Telemetry-Key: " + key + "\r\n";
        head += switch (slow.kind) {
            case BODY -> "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n";
            case HEADERS -> "Content-Type: application/json\r\nX-Slow: ";
        };
        write(slow, head.getBytes(StandardCharsets.US_ASCII));
        slow.headSent = true;
        // Spread the dribbles so a thousand connections do not all write in the same millisecond.
        slow.nextDribbleNanos = System.nanoTime() + ThreadLocalRandom.current().nextLong(dribble.toNanos());
    }

    private void write(Slow slow, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        slow.channel.write(buffer);
        if (buffer.hasRemaining()) {
            throw new IOException("socket buffer full");
        }
    }

    private void run() {
        while (!stopped) {
            try {
                List<Runnable> todo;
                synchronized (pending) {
                    todo = List.copyOf(pending);
                    pending.clear();
                }
                todo.forEach(Runnable::run);
                selector.select(50);
                for (SelectionKey k : selector.selectedKeys()) {
                    Slow slow = (Slow) k.attachment();
                    if (!k.isValid()) {
                        continue;
                    }
                    if (k.isConnectable()) {
                        try {
                            slow.channel.finishConnect();
                            k.interestOps(SelectionKey.OP_READ);
                            sendHead(slow);
                        } catch (IOException e) {
                            end(k, slow, true);
                        }
                    } else if (k.isReadable()) {
                        read(k, slow);
                    }
                }
                selector.selectedKeys().clear();
                long now = System.nanoTime();
                long[] oldestNow = new long[Kind.values().length];
                for (SelectionKey k : List.copyOf(selector.keys())) {
                    if (k.isValid() && k.attachment() instanceof Slow slow) {
                        oldestNow[slow.kind.ordinal()] = Math.max(oldestNow[slow.kind.ordinal()], now - slow.startedNanos);
                    }
                    if (k.isValid() && k.attachment() instanceof Slow slow && slow.headSent && now >= slow.nextDribbleNanos) {
                        slow.nextDribbleNanos = now + dribble.toNanos();
                        try {
                            write(slow, new byte[] {slow.kind == Kind.BODY ? (byte) ' ' : (byte) 'x'});
                        } catch (IOException e) {
                            end(k, slow, false);
                        }
                    }
                }
                synchronized (oldest) {
                    System.arraycopy(oldestNow, 0, oldest, 0, oldest.length);
                }
            } catch (IOException | RuntimeException e) {
                if (!stopped) {
                    e.printStackTrace();
                }
            }
        }
    }

    private void read(SelectionKey k, Slow slow) {
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        try {
            int n = slow.channel.read(buffer);
            if (n < 0) {
                end(k, slow, false);
                return;
            }
            slow.answer.append(new String(buffer.array(), 0, n, StandardCharsets.ISO_8859_1));
            if (slow.answer.indexOf("\r\n") > 0) {
                // The status line is all we want: an answer to a request never finished ends it for us.
                end(k, slow, false);
            }
        } catch (IOException e) {
            end(k, slow, false);
        }
    }

    private void end(SelectionKey k, Slow slow, boolean connectFailed) {
        k.cancel();
        try {
            slow.channel.close();
        } catch (IOException e) {
            // closing anyway
        }
        open.decrementAndGet();
        if (connectFailed) {
            connectFailures.incrementAndGet();
        } else {
            endings.add(new Ending(slow.kind, status(slow.answer), Duration.ofNanos(System.nanoTime() - slow.startedNanos)));
        }
        if (keepUp && !stopped) {
            pending.add(() -> connect(slow.kind, slow.source));
        }
    }

    private static int status(CharSequence answer) {
        String s = answer.toString();
        if (s.startsWith("HTTP/1.1 ") && s.length() >= 12) {
            try {
                return Integer.parseInt(s.substring(9, 12));
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return 0;
    }

    @Override
    public void close() throws IOException {
        stopped = true;
        keepUp = false;
        selector.wakeup();
        try {
            loop.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SelectionKey k : selector.keys()) {
            try {
                k.channel().close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        selector.close();
    }
}
