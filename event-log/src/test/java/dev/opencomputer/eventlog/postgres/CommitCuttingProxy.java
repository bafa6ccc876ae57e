package dev.opencomputer.eventlog.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of PostgreSQL that, once armed, lets the next {@code COMMIT} reach the
 * server and then breaks that connection without passing the server's answer back: the commit
 * happens, its acknowledgement is lost — what a network failure at the worst moment looks like.
 */
final class CommitCuttingProxy implements AutoCloseable {

    private static final byte[] COMMIT = "COMMIT".getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket listener;
    private final int target;
    private final AtomicBoolean armed = new AtomicBoolean();
    private final AtomicInteger cuts = new AtomicInteger();

    CommitCuttingProxy(int target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("commit-cutting-proxy").start(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** The next COMMIT to pass through is the one whose answer is lost. */
    void arm() {
        armed.set(true);
    }

    /** How many commits had their answer swallowed so far. */
    int cuts() {
        return cuts.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                AtomicBoolean cut = new AtomicBoolean();
                Thread.ofVirtual().start(() -> toServer(client, server, cut));
                Thread.ofVirtual().start(() -> toClient(server, client, cut));
            } catch (IOException e) {
                // closed
            }
        }
    }

    private void toServer(Socket client, Socket server, AtomicBoolean cut) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = client.getInputStream(); OutputStream out = server.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                boolean commit = contains(buffer, n, COMMIT);
                if (commit && armed.compareAndSet(true, false)) {
                    cut.set(true); // from now on nothing the server says reaches the client
                    cuts.incrementAndGet();
                    out.write(buffer, 0, n);
                    out.flush();
                    Thread.sleep(300); // the server commits (its answer closes both sides sooner)
                    closeQuietly(client);
                    closeQuietly(server);
                    return;
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // either side closed
        } finally {
            closeQuietly(client);
            closeQuietly(server);
        }
    }

    private static void toClient(Socket server, Socket client, AtomicBoolean cut) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = server.getInputStream(); OutputStream out = client.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (cut.get()) {
                    return;
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // either side closed
        } finally {
            closeQuietly(client);
            closeQuietly(server);
        }
    }

    private static boolean contains(byte[] haystack, int length, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
