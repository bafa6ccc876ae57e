package dev.opencomputer.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many concurrent SSE connections to one stream, on plain non-blocking sockets and one selector
 * thread, so that the client costs as little as possible next to the server it measures. Each
 * connection records when it read which seq ({@link System#nanoTime()}, comparable with the
 * appender's clock in this process); it only looks for {@code id:} lines in the byte stream.
 */
final class SseSubscribers implements AutoCloseable {

    private final List<Connection> connections = new ArrayList<>();
    private final Selector selector;
    private final Thread loop;
    private final CountDownLatch connected;
    private final long firstSeq;
    private final int events;
    private volatile boolean running = true;

    /** Records the receive times of seqs {@code firstSeq} … {@code firstSeq + events - 1}. */
    SseSubscribers(URI stream, String key, int count, long firstSeq, int events) throws IOException {
        this.connected = new CountDownLatch(count);
        this.firstSeq = firstSeq;
        this.events = events;
        this.selector = Selector.open();
        byte[] request = ("GET " + stream.getRawPath() + " HTTP/1.1\r\nHost: " + stream.getHost() + "\r\n"
                + "Authorization: Bearer " + key + "\r\nAccept: text/event-stream\r\n"
                + "Last-Event-ID: " + (firstSeq - 1) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < count; i++) {
            SocketChannel channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.connect(new InetSocketAddress(stream.getHost(), stream.getPort()));
            Connection connection = new Connection(channel, ByteBuffer.wrap(request));
            connections.add(connection);
            channel.register(selector, SelectionKey.OP_CONNECT, connection);
        }
        this.loop = Thread.ofPlatform().name("sse-clients").start(this::run);
    }

    private void run() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        byte[] bytes = new byte[64 * 1024];
        try {
            while (running) {
                selector.select(100);
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    Connection connection = (Connection) key.attachment();
                    try {
                        if (key.isConnectable() && connection.channel.finishConnect()) {
                            key.interestOps(SelectionKey.OP_WRITE);
                        } else if (key.isWritable()) {
                            connection.channel.write(connection.request);
                            if (!connection.request.hasRemaining()) {
                                key.interestOps(SelectionKey.OP_READ);
                            }
                        } else if (key.isReadable()) {
                            buffer.clear();
                            int n = connection.channel.read(buffer);
                            if (n < 0) {
                                key.cancel();
                                connection.channel.close();
                                continue;
                            }
                            long now = System.nanoTime();
                            buffer.flip();
                            buffer.get(bytes, 0, n);
                            connection.scan(bytes, n, now);
                        }
                    } catch (IOException e) {
                        key.cancel();
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    void awaitConnected(Duration timeout) throws InterruptedException {
        if (!connected.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("only " + (connections.size() - connected.getCount()) + " of "
                    + connections.size() + " subscribers connected");
        }
    }

    /** Waits until every subscriber received every event; false on timeout. */
    boolean awaitAll(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Connection connection : connections) {
            while (connection.received.get() < events) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(10);
            }
        }
        return true;
    }

    /** Latencies in ms of every (subscriber, event), from {@code committedAt[k]} to receipt, sorted. */
    double[] latenciesMillis(long[] committedAt) {
        double[] all = new double[connections.size() * events];
        int n = 0;
        for (Connection connection : connections) {
            for (int k = 0; k < events; k++) {
                if (connection.receivedAt[k] != 0) {
                    all[n++] = (connection.receivedAt[k] - committedAt[k]) / 1e6;
                }
            }
        }
        double[] latencies = Arrays.copyOf(all, n);
        Arrays.sort(latencies);
        return latencies;
    }

    /** For each event, the latency in ms of the last subscriber to receive it. */
    double[] slowestPerEvent(long[] committedAt) {
        double[] slowest = new double[events];
        for (Connection connection : connections) {
            for (int k = 0; k < events; k++) {
                if (connection.receivedAt[k] != 0) {
                    slowest[k] = Math.max(slowest[k], (connection.receivedAt[k] - committedAt[k]) / 1e6);
                }
            }
        }
        return slowest;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        running = false;
        loop.join();
        for (Connection connection : connections) {
            connection.channel.close();
        }
        selector.close();
    }

    private final class Connection {
        final SocketChannel channel;
        final ByteBuffer request;
        final long[] receivedAt = new long[events];
        final AtomicInteger received = new AtomicInteger();
        /** The end of the previous read, so that a token split across reads is still found. */
        private final byte[] carry = new byte[32];
        private int carried;
        private boolean hello;

        Connection(SocketChannel channel, ByteBuffer request) {
            this.channel = channel;
            this.request = request;
        }

        void scan(byte[] bytes, int n, long now) {
            byte[] text;
            int length;
            if (carried > 0) {
                text = new byte[carried + n];
                System.arraycopy(carry, 0, text, 0, carried);
                System.arraycopy(bytes, 0, text, carried, n);
                length = carried + n;
            } else {
                text = bytes;
                length = n;
            }
            int lastNewline = -1;
            for (int i = 0; i < length; i++) {
                if (text[i] != '\n') {
                    continue;
                }
                lastNewline = i;
                if (i + 4 < length && text[i + 1] == 'i' && text[i + 2] == 'd' && text[i + 3] == ':') {
                    long seq = 0;
                    int j = i + 4;
                    while (j < length && text[j] >= '0' && text[j] <= '9') {
                        seq = seq * 10 + (text[j] - '0');
                        j++;
                    }
                    if (j < length) {
                        record(seq, now);
                    } else {
                        lastNewline = i - 1; // the number may go on in the next read
                        break;
                    }
                } else if (!hello && i + 6 < length && text[i + 1] == 'r' && text[i + 2] == 'e' && text[i + 3] == 't') {
                    hello = true;
                    connected.countDown();
                }
            }
            int keepFrom = Math.max(lastNewline, length - carry.length);
            carried = Math.min(carry.length, length - Math.max(0, keepFrom));
            System.arraycopy(text, length - carried, carry, 0, carried);
        }

        private void record(long seq, long now) {
            int k = (int) (seq - firstSeq);
            if (k >= 0 && k < events && receivedAt[k] == 0) {
                receivedAt[k] = now;
                received.incrementAndGet();
            }
        }
    }
}
